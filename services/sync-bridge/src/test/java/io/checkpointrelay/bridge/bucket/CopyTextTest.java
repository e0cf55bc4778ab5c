package io.checkpointrelay.bridge.bucket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The COPY text storage sends PostgreSQL: what it receives must read back as the exact values. */
class CopyTextTest {

    @Test
    void escapesWhatCopyTextFormatGivesAMeaning() {
        StorageWrites.CopyText text = new StorageWrites.CopyText(16);
        text.field("a\tb\nc\rd\\e").tab().field(null).tab().field("").endLine();
        assertThat(text.text()).isEqualTo("a\\tb\\nc\\rd\\\\e\t\\N\t\n");
    }

    @Test
    void encodesEveryCharacterAsUtf8() {
        String value = "plain é ß € 中文 😀 \u0001 \u07FF \u0800 \uFFFF";
        StorageWrites.CopyText text = new StorageWrites.CopyText(4);
        text.field(value);
        assertThat(text.text()).isEqualTo(value);
        assertThat(text.length()).isEqualTo(value.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void writesAnUnpairedSurrogateAsStringGetBytesDoes() {
        String value = "x\uD800y\uDC00z\uD83D";
        StorageWrites.CopyText text = new StorageWrites.CopyText(4);
        text.field(value);
        assertThat(text.text()).isEqualTo(new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    @Test
    void writesNumbersAndGrowsPastItsFirstCapacity() {
        StorageWrites.CopyText text = new StorageWrites.CopyText(1);
        String big = "x".repeat(10_000);
        text.number(Long.MIN_VALUE).tab().number(4294967295L).tab().number(0).tab().number(-7).tab().number(Long.MAX_VALUE).tab()
                .field(big).endLine();
        assertThat(text.text()).isEqualTo(Long.MIN_VALUE + "\t4294967295\t0\t-7\t" + Long.MAX_VALUE + "\t" + big + "\n");
    }
}

package io.checkpointrelay.bridge.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Row JSON is what clients store and what checksums cover: it must be the JSON Jackson writes. */
class JsonValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void stringsAreQuotedAsJacksonQuotesThem() throws JsonProcessingException {
        List<String> texts = new ArrayList<>(List.of("", "plain", "say \"hi\"", "back\\slash", "tab\tnew\nline\r", "é ß € 中文 😀",
                "\u007F\u0080\u2028\u2029", "x\uD800y"));
        for (char c = 0; c < 0x80; c++) {
            texts.add("a" + c + "b");
        }
        for (String text : texts) {
            assertThat(JsonValues.appendString(new StringBuilder(), text).toString()).as("%s", text)
                    .isEqualTo(JSON.writeValueAsString(text));
        }
    }
}

package io.checkpointrelay.bridge.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.protocol.upload.ClientKey;

class CheckpointNoticeTest {

    @Test
    void aNoticeCarriesWhatTheCommitChanged() {
        CheckpointChanges changes = CheckpointChanges.of(42, List.of("by_user[\"ann\"]"), List.of(new ClientKey("ann", "phone")), false);

        CheckpointChanges heard = CheckpointNotice.parse(CheckpointNotice.payload(changes));

        assertThat(heard.lastOpId()).isEqualTo(42);
        assertThat(heard.isAnything()).isFalse();
        assertThat(heard.concerns(Set.of("by_user[\"ann\"]"), "ann", null, true)).isTrue();
        assertThat(heard.concerns(Set.of("by_user[\"bob\"]"), "ann", "phone", false)).as("ann's write checkpoint").isTrue();
        assertThat(heard.concerns(Set.of("by_user[\"bob\"]"), "bob", "laptop", true)).as("the parameter index did not change").isFalse();
    }

    @Test
    void unknownPartsStayUnknown() {
        CheckpointChanges heard = CheckpointNotice.parse(CheckpointNotice.payload(CheckpointChanges.anything(7)));

        assertThat(heard.lastOpId()).isEqualTo(7);
        assertThat(heard.isAnything()).isTrue();
    }

    @Test
    void aSummaryTooLongForANotificationWakesEveryStream() {
        List<String> buckets = IntStream.range(0, 1000).mapToObj(i -> "by_user[\"user-with-a-long-name-" + i + "\"]").toList();

        String payload = CheckpointNotice.payload(CheckpointChanges.of(9, buckets, List.of(), false));

        assertThat(payload.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(CheckpointNotice.MAX_PAYLOAD_BYTES);
        assertThat(CheckpointNotice.parse(payload).isAnything()).isTrue();
        assertThat(CheckpointNotice.parse(payload).lastOpId()).isEqualTo(9);
    }

    @Test
    void somethingElseOnTheChannelIsRefused() {
        assertThatThrownBy(() -> CheckpointNotice.parse("hello")).isInstanceOf(IllegalArgumentException.class);
    }
}

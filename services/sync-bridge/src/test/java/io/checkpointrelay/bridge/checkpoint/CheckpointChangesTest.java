package io.checkpointrelay.bridge.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.protocol.upload.ClientKey;

/** Which streams a checkpoint's change summary concerns. */
class CheckpointChangesTest {

    private static final Set<String> ALICE = Set.of("user_lists[\"alice\"]", "user_todos[\"alice\"]");

    @Test
    void aStreamIsConcernedByItsBucketsItsOwnWriteCheckpointAndTheIndexWhenItLooksBucketsUp() {
        CheckpointChanges bobsRows = CheckpointChanges.of(7, List.of("user_todos[\"bob\"]"), List.of(new ClientKey("bob", "b1")), false);
        assertThat(bobsRows.concerns(ALICE, "alice", "a1", false)).isFalse();
        assertThat(bobsRows.concerns(Set.of("user_todos[\"bob\"]"), "bob", "b2", false)).as("bob's other client holds the bucket").isTrue();
        assertThat(bobsRows.concerns(Set.of(), "bob", "b1", false)).as("the client whose write checkpoint changed").isTrue();
        assertThat(bobsRows.concerns(Set.of(), "carol", "b1", false)).as("a client id of another user").isFalse();

        CheckpointChanges index = CheckpointChanges.of(8, List.of(), List.of(), true);
        assertThat(index.concerns(ALICE, "alice", "a1", true)).isTrue();
        assertThat(index.concerns(ALICE, "alice", "a1", false)).as("fixed bucket lists do not read the index").isFalse();
    }

    @Test
    void unknownOrTooManyChangesConcernEveryStream() {
        assertThat(CheckpointChanges.anything(9).concerns(Set.of(), "alice", null, false)).isTrue();
        assertThat(CheckpointChanges.anything(9).isAnything()).isTrue();

        CheckpointChanges.Builder builder = new CheckpointChanges.Builder();
        for (int i = 0; i <= CheckpointChanges.MAX_ENTRIES; i++) {
            builder.bucket("b" + i);
        }
        assertThat(builder.build(10).concerns(ALICE, "alice", null, false)).as("past the bound: any bucket").isTrue();

        CheckpointChanges.Builder managed = new CheckpointChanges.Builder();
        managed.anyWriteCheckpoint();
        assertThat(managed.build(11).concerns(Set.of(), "alice", "a1", false)).as("any client's write checkpoint").isTrue();
        assertThat(managed.build(11).concerns(Set.of(), "alice", null, false)).as("a stream without client id has none").isFalse();
    }
}

package io.checkpointrelay.bridge.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.ws.rs.WebApplicationException;

import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

import io.checkpointrelay.bridge.bucket.ReplicationPosition;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.http.ErrorBody;

/** Streams are refused (503, so clients retry) until storage holds a stored position. */
class StreamReadinessTest {

    @Test
    void storageWithoutAStoredPositionRefusesStreams() {
        ReplicationStatus status = new ReplicationStatus();
        assertNotReady(status);

        // The schema exists and the counter row too, but the initial snapshot is not committed yet.
        status.observed(new ReplicationPosition(0, null));
        assertNotReady(status);
    }

    @Test
    void aStoredPositionLetsStreamsInForGood() {
        ReplicationStatus status = new ReplicationStatus();
        status.observed(new ReplicationPosition(7, LogSequenceNumber.valueOf("0/16B3748")));
        assertThat(status.storageReady()).isTrue();
        assertThatCode(() -> SyncStreamResource.requireStorageReady(status)).doesNotThrowAnyException();

        status.observed(new ReplicationPosition(0, null)); // a later read without position cannot undo it
        assertThat(status.storageReady()).isTrue();
    }

    private static void assertNotReady(ReplicationStatus status) {
        assertThat(status.storageReady()).isFalse();
        WebApplicationException refused = catchThrowableOfType(WebApplicationException.class,
                () -> SyncStreamResource.requireStorageReady(status));
        assertThat(refused.getResponse().getStatus()).isEqualTo(503);
        assertThat(refused.getResponse().getEntity()).isInstanceOfSatisfying(ErrorBody.class,
                body -> assertThat(body.error().code()).isEqualTo("NOT_READY"));
    }
}

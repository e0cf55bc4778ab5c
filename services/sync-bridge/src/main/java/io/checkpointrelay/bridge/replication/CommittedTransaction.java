package io.checkpointrelay.bridge.replication;

import java.time.Instant;

import org.postgresql.replication.LogSequenceNumber;

import io.checkpointrelay.bridge.bucket.ChangeSet;

/**
 * A source transaction received up to its commit; {@code endLsn} is the position to acknowledge once stored.
 * {@code heartbeat}: it carried the bridge's heartbeat message.
 */
public record CommittedTransaction(ChangeSet changes, LogSequenceNumber endLsn, Instant commitTime, boolean heartbeat) {
}

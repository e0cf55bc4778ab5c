package io.checkpointrelay.bridge.replication;

/**
 * Logical decoding messages the bridge writes into the source's WAL for itself. They travel the
 * replication stream like any transaction, so storing one proves storage reached the position it
 * was written at. Always transactional: they arrive inside their transaction's Begin and Commit.
 */
public final class RelayMessages {

    /** Prefix of every bridge message; messages with other prefixes are someone else's. */
    public static final String PREFIX = "relay";

    /** A managed checkpoint request was recorded: the transaction gets a checkpoint of its own. */
    public static final String CHECKPOINT_REQUEST = "checkpoint-request";

    /** Written when replication is idle so the stored and acknowledged positions keep moving. */
    public static final String HEARTBEAT = "heartbeat";

    private RelayMessages() {
    }

    /** SQL expression writing message {@code content} in the current transaction. */
    public static String emit(String content) {
        return "pg_logical_emit_message(true, '" + PREFIX + "', '" + content + "')";
    }
}

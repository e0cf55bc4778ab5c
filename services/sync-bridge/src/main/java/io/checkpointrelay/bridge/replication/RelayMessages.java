package io.checkpointrelay.bridge.replication;

import java.util.Optional;

import io.checkpointrelay.protocol.upload.ClientKey;

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

    /**
     * SQL expression writing the {@link #CHECKPOINT_REQUEST} message of one client: the content is
     * followed by a space and {@code [user, client]} as a JSON array, so that only that client's
     * streams wake up when it is stored.
     *
     * @param userId   SQL expression of the user id
     * @param clientId SQL expression of the client id
     */
    public static String emitCheckpointRequest(String userId, String clientId) {
        return "pg_logical_emit_message(true, '" + PREFIX + "', '" + CHECKPOINT_REQUEST + " ' || json_build_array(" + userId + ", "
                + clientId + ")::text)";
    }

    /**
     * The client a {@link #CHECKPOINT_REQUEST} message names: empty for a request that names none
     * (written by an older bridge) or cannot be read; null when the content is no checkpoint request.
     */
    public static Optional<ClientKey> checkpointRequester(String content) {
        if (CHECKPOINT_REQUEST.equals(content)) {
            return Optional.empty();
        }
        if (content == null || !content.startsWith(CHECKPOINT_REQUEST + " ")) {
            return null;
        }
        try {
            return Optional.of(ClientKey.fromKafkaKey(content.substring(CHECKPOINT_REQUEST.length() + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

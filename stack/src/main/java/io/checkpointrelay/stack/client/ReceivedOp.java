package io.checkpointrelay.stack.client;

/**
 * One op of a {@code data} line, as received.
 *
 * @param connection which connection of the client received it (1 for the first)
 * @param resent     whether the client already held this op id for the bucket (a service that
 *                   honours the client's {@code after} never sends one)
 */
public record ReceivedOp(int connection, String bucket, long opId, String op, String objectType, String objectId, boolean resent) {
}

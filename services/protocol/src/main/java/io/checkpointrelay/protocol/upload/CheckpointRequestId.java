package io.checkpointrelay.protocol.upload;

import java.math.BigInteger;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Client-generated checkpoint request ids: positive signed 64-bit integers (1..2^63-1) that
 * arrive as a decimal string or a JSON integer and always leave as a decimal string.
 */
public final class CheckpointRequestId {

    private CheckpointRequestId() {
    }

    /**
     * Reads an id from JSON.
     *
     * @throws IllegalArgumentException with a message fit for a 400 answer
     */
    public static long parse(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new IllegalArgumentException("checkpoint_request_id is missing");
        }
        if (node.isTextual()) {
            return parse(node.asText());
        }
        if (node.isIntegralNumber()) {
            return inRange(node.bigIntegerValue(), node.asText());
        }
        throw new IllegalArgumentException(
                "checkpoint_request_id must be a decimal string or an integer, got " + node.getNodeType().name().toLowerCase());
    }

    /** Reads an id from its decimal text. */
    public static long parse(String text) {
        if (text == null || !text.matches("[0-9]{1,25}")) {
            throw new IllegalArgumentException("checkpoint_request_id must be a decimal integer from 1 to 2^63-1, got '" + text + "'");
        }
        return inRange(new BigInteger(text), text);
    }

    public static String format(long id) {
        return Long.toString(id);
    }

    private static long inRange(BigInteger value, String text) {
        if (value.signum() <= 0 || value.bitLength() > 63) {
            throw new IllegalArgumentException("checkpoint_request_id must be from 1 to 2^63-1, got " + text);
        }
        return value.longValueExact();
    }
}

package io.checkpointrelay.bridge.rules;

/**
 * A row as it appears in one bucket: {@code data} is the JSON object text of the selected columns,
 * produced once and used for both the checksum and the wire.
 */
public record BucketEntry(String bucket, String objectType, String objectId, String data) {
}

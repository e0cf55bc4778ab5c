package io.checkpointrelay.bridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a PowerSync client keeps from the lines it received: the target checkpoint's bucket
 * checksums, the sum of the op checksums it holds per bucket, its position (after) per bucket, and
 * the objects it holds. MOVE only adds its checksum; CLEAR drops the bucket's objects and restarts
 * the sum from its checksum, as the stock client does.
 */
public final class SyncedClient {

    private final Map<String, Integer> expectedChecksums = new LinkedHashMap<>();
    private final Map<String, Long> receivedSums = new HashMap<>();
    private final Map<String, Long> positions = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> objects = new HashMap<>();
    private String writeCheckpoint;
    private String lastOpId;

    /** Applies lines in order, checking the wire types the stock client enforces. */
    public void apply(List<JsonNode> lines) {
        lines.forEach(this::apply);
    }

    public void apply(JsonNode line) {
        if (line.has("checkpoint")) {
            JsonNode checkpoint = line.get("checkpoint");
            assertThat(checkpoint.get("last_op_id").isTextual()).as("last_op_id is a string").isTrue();
            lastOpId = checkpoint.get("last_op_id").textValue();
            writeCheckpoint = text(checkpoint.get("write_checkpoint"));
            expectedChecksums.clear();
            checkpoint.get("buckets").forEach(this::bucket);
            // Like a real client, drop every bucket the full checkpoint leaves out.
            List.copyOf(positions.keySet()).stream().filter(name -> !expectedChecksums.containsKey(name)).forEach(this::forget);
        } else if (line.has("checkpoint_diff")) {
            JsonNode diff = line.get("checkpoint_diff");
            lastOpId = diff.get("last_op_id").textValue();
            writeCheckpoint = text(diff.get("write_checkpoint"));
            diff.get("updated_buckets").forEach(this::bucket);
            // Like a real client, drop a removed bucket with its data and position.
            diff.get("removed_buckets").forEach(name -> forget(name.textValue()));
        } else if (line.has("data")) {
            JsonNode data = line.get("data");
            String bucket = data.get("bucket").textValue();
            assertThat(data.get("after").isTextual() && data.get("next_after").isTextual()).isTrue();
            assertThat(Long.parseLong(data.get("after").textValue())).as("data continues where the client is")
                    .isEqualTo(positions.getOrDefault(bucket, 0L));
            for (JsonNode op : data.get("data")) {
                assertThat(op.get("op_id").isTextual()).as("op_id is a string").isTrue();
                assertThat(op.get("checksum").isNumber()).isTrue();
                long checksum = op.get("checksum").longValue();
                assertThat(checksum).isBetween(0L, 0xFFFF_FFFFL);
                Map<String, String> bucketObjects = objects.computeIfAbsent(bucket, b -> new HashMap<>());
                String kind = op.get("op").textValue();
                if (kind.equals("MOVE") || kind.equals("CLEAR")) {
                    assertThat(op.has("object_type") || op.has("object_id")).as("%s names no object", kind).isFalse();
                    assertThat(op.path("data").isMissingNode() || op.get("data").isNull()).isTrue();
                    if (kind.equals("CLEAR")) {
                        // The client drops what it holds of the bucket; the CLEAR's checksum replaces the sum.
                        bucketObjects.clear();
                        receivedSums.put(bucket, checksum);
                    } else {
                        receivedSums.merge(bucket, checksum, (a, b) -> (a + b) & 0xFFFF_FFFFL);
                    }
                    continue;
                }
                receivedSums.merge(bucket, checksum, (a, b) -> (a + b) & 0xFFFF_FFFFL);
                String key = op.get("object_type").textValue() + "/" + op.get("object_id").textValue();
                if ("PUT".equals(kind)) {
                    assertThat(op.get("data").isTextual()).as("PUT data is a JSON string").isTrue();
                    bucketObjects.put(key, op.get("data").textValue());
                } else {
                    assertThat(kind).isEqualTo("REMOVE");
                    assertThat(op.get("data").isNull()).isTrue();
                    bucketObjects.remove(key);
                }
            }
            positions.put(bucket, Long.parseLong(data.get("next_after").textValue()));
        }
    }

    private void forget(String bucket) {
        expectedChecksums.remove(bucket);
        receivedSums.remove(bucket);
        positions.remove(bucket);
        objects.remove(bucket);
    }

    private void bucket(JsonNode bucket) {
        assertThat(bucket.get("checksum").isNumber()).isTrue();
        expectedChecksums.put(bucket.get("bucket").textValue(), bucket.get("checksum").intValue());
    }

    /** Every bucket's received ops add up to the checkpoint's checksum (compared as signed 32-bit). */
    public void assertChecksumsMatch() {
        expectedChecksums.forEach((bucket, expected) -> assertThat((int) (long) receivedSums.getOrDefault(bucket, 0L))
                .as("checksum of %s", bucket).isEqualTo(expected));
    }

    /** Buckets whose received ops do not add up to the checkpoint's checksum. */
    public List<String> mismatchedBuckets() {
        return expectedChecksums.entrySet().stream()
                .filter(bucket -> (int) (long) receivedSums.getOrDefault(bucket.getKey(), 0L) != bucket.getValue())
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * What the stock client does after a checksum mismatch: deletes the bucket's data and, on its
     * next connection, leaves the bucket out of its list (so it gets it again from the start; an
     * {@code after} of "0" means the same).
     */
    public void dropBucket(String bucket) {
        receivedSums.remove(bucket);
        objects.remove(bucket);
        positions.remove(bucket);
    }

    public Map<String, Integer> buckets() {
        return expectedChecksums;
    }

    /** The object ids the client holds in a bucket. */
    public Map<String, String> objects(String bucket) {
        return objects.getOrDefault(bucket, Map.of());
    }

    public String writeCheckpoint() {
        return writeCheckpoint;
    }

    public String lastOpId() {
        return lastOpId;
    }

    /** The request body a reconnecting client sends: its buckets and positions. */
    public String reconnectBody(String clientId) {
        StringBuilder body = new StringBuilder("{\"client_id\":\"" + clientId + "\",\"raw_data\":true,\"include_checksum\":true,"
                + "\"binary_data\":true,\"streams\":{\"include_defaults\":true,\"subscriptions\":[]},\"buckets\":[");
        String separator = "";
        for (Map.Entry<String, Long> position : positions.entrySet()) {
            body.append(separator).append("{\"name\":").append(quote(position.getKey())).append(",\"after\":\"")
                    .append(position.getValue()).append("\"}");
            separator = ",";
        }
        return body.append("]}").toString();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        assertThat(node.isTextual()).as("write_checkpoint is a string").isTrue();
        return node.textValue();
    }
}

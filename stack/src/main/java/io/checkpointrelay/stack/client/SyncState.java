package io.checkpointrelay.stack.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a sync client holds, updated one NDJSON line at a time the way a stock PowerSync client
 * does it: per bucket the position {@code after}, the rows and the sum of the op checksums. At
 * {@code checkpoint_complete} every bucket's sum (mod 2^32) must equal the checkpoint's checksum
 * before the checkpoint, its rows and its {@code write_checkpoint} count as applied; a bucket
 * that does not match is dropped, so the next connection downloads it again from 0.
 *
 * <p>No I/O here, so the protocol handling is tested with plain lines. Not thread-safe:
 * {@link SyncStreamClient} guards it.
 */
public final class SyncState {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,19}");

    private final Map<String, Bucket> buckets = new TreeMap<>();
    private final List<ReceivedOp> receivedOps = new ArrayList<>();
    private final List<String> checksumFailures = new ArrayList<>();
    /** The newest checkpoint line received (full or diff): the base of the next diff. */
    private Target latest;
    private AppliedCheckpoint applied;
    private List<SyncedRow> appliedRows = List.of();
    private int connection;
    private Long tokenExpiresIn;

    /** A new connection starts: ops are attributed to it, and a checkpoint left unfinished is forgotten. */
    public void connectionStarted() {
        connection++;
        latest = null;
    }

    /** The {@code after} position of each bucket held, for the {@code buckets} of the next request. */
    public Map<String, Long> afterPositions() {
        Map<String, Long> positions = new TreeMap<>();
        buckets.forEach((name, bucket) -> positions.put(name, bucket.after));
        return positions;
    }

    /**
     * Applies one line of the stream.
     *
     * @throws SyncProtocolException for a line a stock client would reject
     */
    public void accept(String line) {
        if (line.isBlank()) {
            return;
        }
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new SyncProtocolException("not a JSON line: " + abbreviate(line));
        }
        if (!message.isObject()) {
            throw new SyncProtocolException("not a JSON object: " + abbreviate(line));
        }
        if (message.has("checkpoint")) {
            onCheckpoint(message.get("checkpoint"));
        } else if (message.has("checkpoint_diff")) {
            onCheckpointDiff(message.get("checkpoint_diff"));
        } else if (message.has("data")) {
            onData(message.get("data"));
        } else if (message.has("checkpoint_complete")) {
            onCheckpointComplete(message.get("checkpoint_complete"));
        } else if (message.has("token_expires_in")) {
            tokenExpiresIn = message.get("token_expires_in").asLong();
        }
        // Other lines are ignored, as stock clients do. partial_checkpoint_complete among them:
        // rows are applied once, at checkpoint_complete.
    }

    private void onCheckpoint(JsonNode checkpoint) {
        Map<String, Integer> checksums = new LinkedHashMap<>();
        for (JsonNode bucket : array(checkpoint, "buckets")) {
            checksums.put(text(bucket, "bucket"), checksum(bucket));
        }
        // A full checkpoint lists every bucket the client keeps.
        buckets.keySet().retainAll(checksums.keySet());
        latest = new Target(opId(checkpoint, "last_op_id"), optionalOpId(checkpoint, "write_checkpoint"), checksums);
    }

    private void onCheckpointDiff(JsonNode diff) {
        if (latest == null) {
            throw new SyncProtocolException("checkpoint_diff before any checkpoint on this connection");
        }
        Map<String, Integer> checksums = new LinkedHashMap<>(latest.checksums());
        for (JsonNode bucket : array(diff, "updated_buckets")) {
            checksums.put(text(bucket, "bucket"), checksum(bucket));
        }
        for (JsonNode removed : array(diff, "removed_buckets")) {
            checksums.remove(removed.asText());
            buckets.remove(removed.asText());
        }
        latest = new Target(opId(diff, "last_op_id"), optionalOpId(diff, "write_checkpoint"), checksums);
    }

    private void onData(JsonNode data) {
        String name = text(data, "bucket");
        Bucket bucket = buckets.computeIfAbsent(name, Bucket::new);
        for (JsonNode op : array(data, "data")) {
            long opId = opId(op, "op_id");
            String kind = text(op, "op");
            String type = op.path("object_type").asText(null);
            String id = op.path("object_id").asText(null);
            int checksum = checksum(op);
            receivedOps.add(new ReceivedOp(connection, name, opId, kind, type, id, opId <= bucket.after));
            // Every received op's checksum counts, as in a client's oplog: an op sent twice breaks the sum.
            switch (kind) {
                case "PUT" -> {
                    bucket.rows.put(type + "/" + id, new SyncedRow(name, type, id, rowData(op)));
                    bucket.checksum += checksum;
                }
                case "REMOVE" -> {
                    bucket.rows.remove(type + "/" + id);
                    bucket.checksum += checksum;
                }
                case "MOVE" -> bucket.checksum += checksum;
                case "CLEAR" -> {
                    bucket.rows.clear();
                    bucket.checksum = checksum;
                }
                default -> throw new SyncProtocolException("unknown op '" + kind + "' in bucket " + name);
            }
            bucket.after = Math.max(bucket.after, opId);
        }
        Long nextAfter = optionalOpId(data, "next_after");
        if (nextAfter != null) {
            bucket.after = Math.max(bucket.after, nextAfter);
        }
    }

    private void onCheckpointComplete(JsonNode complete) {
        long lastOpId = opId(complete, "last_op_id");
        if (latest == null || latest.lastOpId() != lastOpId) {
            throw new SyncProtocolException("checkpoint_complete for " + lastOpId + " but the latest checkpoint is "
                    + (latest == null ? "none" : latest.lastOpId()));
        }
        boolean valid = true;
        for (Map.Entry<String, Integer> expected : latest.checksums().entrySet()) {
            Bucket bucket = buckets.computeIfAbsent(expected.getKey(), Bucket::new);
            if (bucket.checksum != expected.getValue()) {
                checksumFailures.add("bucket " + bucket.name + " at checkpoint " + lastOpId + ": ops sum to "
                        + bucket.checksum + ", checkpoint says " + expected.getValue());
                buckets.remove(bucket.name);
                valid = false;
            }
        }
        if (!valid) {
            return;
        }
        applied = new AppliedCheckpoint(lastOpId, latest.writeCheckpoint(), latest.checksums());
        List<SyncedRow> rows = new ArrayList<>();
        buckets.values().forEach(b -> rows.addAll(b.rows.values()));
        appliedRows = List.copyOf(rows);
    }

    /** The last checkpoint that passed validation. */
    public Optional<AppliedCheckpoint> applied() {
        return Optional.ofNullable(applied);
    }

    /** The rows of every bucket as of the last applied checkpoint. */
    public List<SyncedRow> rows() {
        return appliedRows;
    }

    /** Every op received so far, in order. */
    public List<ReceivedOp> receivedOps() {
        return List.copyOf(receivedOps);
    }

    /** One sentence per bucket that failed checksum validation. */
    public List<String> checksumFailures() {
        return List.copyOf(checksumFailures);
    }

    /** The last {@code token_expires_in} received, or null. */
    public Long tokenExpiresIn() {
        return tokenExpiresIn;
    }

    public int connection() {
        return connection;
    }

    private static Iterable<JsonNode> array(JsonNode parent, String field) {
        JsonNode node = parent.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new SyncProtocolException(field + " must be an array, got " + node);
        }
        return node;
    }

    private static String text(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isTextual()) {
            throw new SyncProtocolException(field + " must be a string, got " + node + " in " + parent);
        }
        return node.asText();
    }

    /** Op ids travel as decimal strings; a stock client rejects numbers. */
    private static long opId(JsonNode parent, String field) {
        Long value = optionalOpId(parent, field);
        if (value == null) {
            throw new SyncProtocolException(field + " is missing in " + parent);
        }
        return value;
    }

    private static Long optionalOpId(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || !DECIMAL.matcher(node.asText()).matches()) {
            throw new SyncProtocolException(field + " must be a decimal string, got " + node);
        }
        return Long.parseLong(node.asText());
    }

    /** Checksums are numbers, sent unsigned or signed: both read as the same 32 bits. */
    private static int checksum(JsonNode parent) {
        JsonNode node = parent.get("checksum");
        if (node == null || !node.isIntegralNumber()) {
            throw new SyncProtocolException("checksum must be a number, got " + node + " in " + parent);
        }
        return (int) node.asLong();
    }

    /** Op data is a JSON string with raw_data, an object otherwise, null for REMOVE. */
    private static JsonNode rowData(JsonNode op) {
        JsonNode data = op.get("data");
        if (data == null || data.isNull()) {
            return null;
        }
        if (!data.isTextual()) {
            return data;
        }
        try {
            return JSON.readTree(data.asText());
        } catch (JsonProcessingException e) {
            throw new SyncProtocolException("op data is not JSON text: " + abbreviate(data.asText()));
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private record Target(long lastOpId, Long writeCheckpoint, Map<String, Integer> checksums) {
    }

    private static final class Bucket {
        final String name;
        final Map<String, SyncedRow> rows = new LinkedHashMap<>();
        long after;
        /** Wrapping int addition is exactly the sum mod 2^32, read as signed. */
        int checksum;

        Bucket(String name) {
            this.name = name;
        }
    }
}

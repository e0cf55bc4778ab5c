package io.checkpointrelay.bridge.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import io.checkpointrelay.bridge.bucket.BucketOp;
import io.checkpointrelay.bridge.bucket.BucketState;
import io.checkpointrelay.bridge.bucket.Checksums;
import io.checkpointrelay.bridge.rules.JsonValues;

/**
 * The lines of the sync stream, as the stock client parses them: op ids, positions and write
 * checkpoints are decimal strings; bucket checksums signed 32-bit numbers, op checksums unsigned;
 * op data a JSON string (null for REMOVE, MOVE and CLEAR).
 */
final class SyncLines {

    /** A bucket with its state, as listed in checkpoint lines. */
    record BucketLine(BucketState state, int priority) {
    }

    private SyncLines() {
    }

    static byte[] checkpoint(long lastOpId, Long writeCheckpoint, Collection<BucketLine> buckets) {
        return write(json -> {
            json.writeObjectFieldStart("checkpoint");
            json.writeStringField("last_op_id", Long.toString(lastOpId));
            if (writeCheckpoint != null) {
                json.writeStringField("write_checkpoint", Long.toString(writeCheckpoint));
            }
            json.writeArrayFieldStart("buckets");
            for (BucketLine bucket : buckets) {
                bucket(json, bucket);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    static byte[] checkpointDiff(long lastOpId, Long writeCheckpoint, Collection<BucketLine> updated, Collection<String> removed) {
        return write(json -> {
            json.writeObjectFieldStart("checkpoint_diff");
            json.writeStringField("last_op_id", Long.toString(lastOpId));
            if (writeCheckpoint != null) {
                json.writeStringField("write_checkpoint", Long.toString(writeCheckpoint));
            }
            json.writeArrayFieldStart("updated_buckets");
            for (BucketLine bucket : updated) {
                bucket(json, bucket);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("removed_buckets");
            for (String name : removed) {
                json.writeString(name);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static void bucket(JsonGenerator json, BucketLine bucket) throws IOException {
        json.writeStartObject();
        json.writeStringField("bucket", bucket.state().bucket());
        json.writeNumberField("checksum", Checksums.toSigned(bucket.state().checksum()));
        json.writeNumberField("count", bucket.state().count());
        json.writeNumberField("priority", bucket.priority());
        json.writeEndObject();
    }

    static byte[] data(String bucket, long after, long nextAfter, boolean hasMore, List<BucketOp> ops) {
        return write(json -> {
            json.writeObjectFieldStart("data");
            json.writeStringField("bucket", bucket);
            json.writeStringField("after", Long.toString(after));
            json.writeStringField("next_after", Long.toString(nextAfter));
            json.writeBooleanField("has_more", hasMore);
            json.writeArrayFieldStart("data");
            for (BucketOp op : ops) {
                json.writeStartObject();
                json.writeStringField("op_id", Long.toString(op.opId()));
                json.writeStringField("op", op.op().name());
                // MOVE and CLEAR name no object: like the reference service, only id, op and checksum.
                if (op.op().namesObject()) {
                    json.writeStringField("object_type", op.objectType());
                    json.writeStringField("object_id", op.objectId());
                }
                json.writeStringField("data", op.data());
                json.writeNumberField("checksum", op.checksum());
                if (op.op().namesObject()) {
                    json.writeNullField("subkey");
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    static byte[] partialCheckpointComplete(long lastOpId, int priority) {
        return write(json -> {
            json.writeObjectFieldStart("partial_checkpoint_complete");
            json.writeStringField("last_op_id", Long.toString(lastOpId));
            json.writeNumberField("priority", priority);
            json.writeEndObject();
        });
    }

    static byte[] checkpointComplete(long lastOpId) {
        return write(json -> {
            json.writeObjectFieldStart("checkpoint_complete");
            json.writeStringField("last_op_id", Long.toString(lastOpId));
            json.writeEndObject();
        });
    }

    static byte[] tokenExpiresIn(long seconds) {
        return ("{\"token_expires_in\":" + Math.max(0, seconds) + "}").getBytes(StandardCharsets.UTF_8);
    }

    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /** A line as UTF-8 bytes, written straight to bytes: data lines are large. */
    private static byte[] write(Body body) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(512);
                JsonGenerator json = JsonValues.factory().createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
            json.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.checkpointrelay.bridge.stream;

import java.util.Collection;
import java.util.List;
import java.util.function.IntFunction;

import io.checkpointrelay.bridge.bucket.BucketOp;
import io.checkpointrelay.bridge.bucket.BucketState;
import io.checkpointrelay.bridge.bucket.Checksums;

/**
 * The lines of the sync stream, as the stock client parses them: op ids, positions and write
 * checkpoints are decimal strings; bucket checksums signed 32-bit numbers, op checksums unsigned;
 * op data a JSON string (null for REMOVE, MOVE and CLEAR). Each line is written once for both
 * framings ({@link LineWriter}) and returned complete with its framing, so the stream writes it as it is.
 */
final class SyncLines {

    /** A bucket with its state, as listed in checkpoint lines. */
    record BucketLine(BucketState state, int priority) {
    }

    /** Bytes a data line takes per op besides the op's data: a first guess of its size. */
    private static final int OP_OVERHEAD = 160;

    private final IntFunction<LineWriter> writers;

    /** @param writers a writer for one line, given a guess of its size in bytes */
    SyncLines(IntFunction<LineWriter> writers) {
        this.writers = writers;
    }

    byte[] checkpoint(long lastOpId, Long writeCheckpoint, Collection<BucketLine> buckets) {
        return write(256 + buckets.size() * 96, line -> {
            line.startObject("checkpoint");
            line.string("last_op_id", Long.toString(lastOpId));
            if (writeCheckpoint != null) {
                line.string("write_checkpoint", Long.toString(writeCheckpoint));
            }
            line.startArray("buckets");
            for (BucketLine bucket : buckets) {
                bucket(line, bucket);
            }
            line.endArray();
            line.endObject();
        });
    }

    byte[] checkpointDiff(long lastOpId, Long writeCheckpoint, Collection<BucketLine> updated, Collection<String> removed) {
        return write(256 + (updated.size() + removed.size()) * 96, line -> {
            line.startObject("checkpoint_diff");
            line.string("last_op_id", Long.toString(lastOpId));
            if (writeCheckpoint != null) {
                line.string("write_checkpoint", Long.toString(writeCheckpoint));
            }
            line.startArray("updated_buckets");
            for (BucketLine bucket : updated) {
                bucket(line, bucket);
            }
            line.endArray();
            line.startArray("removed_buckets");
            for (String name : removed) {
                line.string(name);
            }
            line.endArray();
            line.endObject();
        });
    }

    private static void bucket(LineWriter line, BucketLine bucket) {
        line.startObject();
        line.string("bucket", bucket.state().bucket());
        line.int32("checksum", Checksums.toSigned(bucket.state().checksum()));
        line.int64("count", bucket.state().count());
        line.int32("priority", bucket.priority());
        line.endObject();
    }

    /** The data line is on the hot path of an initial download: one pass, sized up front. */
    byte[] data(String bucket, long after, long nextAfter, boolean hasMore, List<BucketOp> ops) {
        int size = 256;
        for (BucketOp op : ops) {
            size += OP_OVERHEAD + (op.objectId() == null ? 0 : op.objectId().length())
                    + (op.data() == null ? 0 : op.data().length());
        }
        return write(size, line -> {
            line.startObject("data");
            line.string("bucket", bucket);
            line.string("after", Long.toString(after));
            line.string("next_after", Long.toString(nextAfter));
            line.bool("has_more", hasMore);
            line.startArray("data");
            for (BucketOp op : ops) {
                line.startObject();
                line.string("op_id", Long.toString(op.opId()));
                line.string("op", op.op().name());
                // MOVE and CLEAR name no object: like the reference service, only id, op and checksum.
                if (op.op().namesObject()) {
                    line.string("object_type", op.objectType());
                    line.string("object_id", op.objectId());
                }
                line.string("data", op.data());
                line.int64("checksum", op.checksum());
                if (op.op().namesObject()) {
                    line.nullValue("subkey");
                }
                line.endObject();
            }
            line.endArray();
            line.endObject();
        });
    }

    byte[] partialCheckpointComplete(long lastOpId, int priority) {
        return write(128, line -> {
            line.startObject("partial_checkpoint_complete");
            line.string("last_op_id", Long.toString(lastOpId));
            line.int32("priority", priority);
            line.endObject();
        });
    }

    byte[] checkpointComplete(long lastOpId) {
        return write(128, line -> {
            line.startObject("checkpoint_complete");
            line.string("last_op_id", Long.toString(lastOpId));
            line.endObject();
        });
    }

    byte[] tokenExpiresIn(long seconds) {
        return write(64, line -> line.int32("token_expires_in", (int) Math.clamp(seconds, 0, Integer.MAX_VALUE)));
    }

    private interface Body {
        void write(LineWriter line);
    }

    private byte[] write(int sizeHint, Body body) {
        LineWriter line = writers.apply(sizeHint);
        line.startObject();
        body.write(line);
        line.endObject();
        return line.toLine();
    }
}

package io.checkpointrelay.bridge.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.checkpointrelay.bridge.bucket.BucketOp;
import io.checkpointrelay.bridge.bucket.BucketState;
import io.checkpointrelay.bridge.stream.SyncLines.BucketLine;

/**
 * The same lines in both framings, with the BSON types the stock client's decoder reads: strings
 * for op ids and positions, int32 for 32-bit numbers, int64 for op checksums and counts, null
 * for a REMOVE's data. Keep-alives are also checked byte by byte against the BSON specification.
 */
class SyncLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "user_todos[\"ann\"]";
    private static final List<BucketOp> OPS = List.of(
            BucketOp.put(BUCKET, 7, "todos", "t1", "todos/t1", "{\"id\":\"t1\",\"description\":\"Ärger \\\"x\\\"\"}"),
            BucketOp.remove(BUCKET, 8, "todos", "t2", "todos/t2"));

    @Test
    void dataLinesCarryStringsInt64ChecksumsAndNullForRemovedRows() throws Exception {
        BsonDocument data = bson(lines -> lines.data(BUCKET, 6, 8, true, OPS)).getDocument("data");
        assertThat(types(data)).containsExactly("bucket:STRING", "after:STRING", "next_after:STRING", "has_more:BOOLEAN", "data:ARRAY");
        BsonDocument put = data.getArray("data").get(0).asDocument();
        assertThat(types(put)).containsExactly("op_id:STRING", "op:STRING", "object_type:STRING", "object_id:STRING",
                "data:STRING", "checksum:INT64", "subkey:NULL");
        assertThat(put.getString("data").getValue()).isEqualTo(OPS.get(0).data());
        assertThat(put.getInt64("checksum").getValue()).isEqualTo(OPS.get(0).checksum());
        BsonDocument remove = data.getArray("data").get(1).asDocument();
        assertThat(remove.get("data").getBsonType()).isEqualTo(BsonType.NULL);
        assertThat(remove.getString("op").getValue()).isEqualTo("REMOVE");

        assertSameLine(lines -> lines.data(BUCKET, 6, 8, true, OPS));
    }

    @Test
    void checkpointLinesCarrySignedInt32ChecksumsAndStringPositions() throws Exception {
        // An unsigned checksum above 2^31 goes out as a negative int32.
        List<BucketLine> buckets = List.of(new BucketLine(new BucketState(BUCKET, 8, 2_582_164_875L, 2), 3));
        BsonDocument checkpoint = bson(lines -> lines.checkpoint(8, 5L, buckets)).getDocument("checkpoint");
        assertThat(types(checkpoint)).containsExactly("last_op_id:STRING", "write_checkpoint:STRING", "buckets:ARRAY");
        BsonDocument bucket = checkpoint.getArray("buckets").get(0).asDocument();
        assertThat(types(bucket)).containsExactly("bucket:STRING", "checksum:INT32", "count:INT64", "priority:INT32");
        assertThat(bucket.getInt32("checksum").getValue()).isEqualTo(-1_712_802_421);

        BsonDocument diff = bson(lines -> lines.checkpointDiff(9, null, buckets, List.of("gone"))).getDocument("checkpoint_diff");
        assertThat(types(diff)).as("no write checkpoint: left out")
                .containsExactly("last_op_id:STRING", "updated_buckets:ARRAY", "removed_buckets:ARRAY");

        assertSameLine(lines -> lines.checkpoint(8, 5L, buckets));
        assertSameLine(lines -> lines.checkpointDiff(9, null, buckets, List.of("gone")));
        assertSameLine(lines -> lines.partialCheckpointComplete(9, 0));
        assertSameLine(lines -> lines.checkpointComplete(9));
        assertSameLine(lines -> lines.tokenExpiresIn(20));
    }

    @Test
    void keepAlivesAreInt32AndEachBsonLineIsOneWholeDocument() {
        byte[] keepalive = StreamFormat.BSON.lines().tokenExpiresIn(3600);
        assertThat(ByteBuffer.wrap(keepalive).order(ByteOrder.LITTLE_ENDIAN).getInt()).as("starts with its own length")
                .isEqualTo(keepalive.length);
        assertThat(keepalive[keepalive.length - 1]).isZero();
        assertThat(new RawBsonDocument(keepalive).get("token_expires_in").getBsonType()).isEqualTo(BsonType.INT32);
        ByteBuffer expected = ByteBuffer.allocate(4 + 1 + 17 + 4 + 1).order(ByteOrder.LITTLE_ENDIAN);
        expected.putInt(expected.capacity()).put((byte) 0x10).put("token_expires_in\0".getBytes(StandardCharsets.US_ASCII))
                .putInt(3600).put((byte) 0);
        assertThat(keepalive).as("int32 element 0x10, name, value, end of document").isEqualTo(expected.array());

        byte[] json = StreamFormat.NDJSON.lines().tokenExpiresIn(3600);
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"token_expires_in\":3600}\n");
    }

    private static void assertSameLine(Function<SyncLines, byte[]> line) throws Exception {
        String ndjson = new String(line.apply(StreamFormat.NDJSON.lines()), StandardCharsets.UTF_8);
        assertThat(ndjson).endsWith("\n").doesNotContain("\n{");
        JsonNode fromBson = JSON.readTree(bson(line).toJson());
        assertThat(fromBson.toString()).isEqualTo(JSON.readTree(ndjson).toString());
    }

    private static RawBsonDocument bson(Function<SyncLines, byte[]> line) {
        return new RawBsonDocument(line.apply(StreamFormat.BSON.lines()));
    }

    private static List<String> types(BsonDocument document) {
        return document.entrySet().stream().map(field -> field.getKey() + ":" + field.getValue().getBsonType()).toList();
    }
}

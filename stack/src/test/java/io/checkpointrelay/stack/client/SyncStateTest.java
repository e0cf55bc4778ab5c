package io.checkpointrelay.stack.client;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import org.junit.jupiter.api.Test;

/** The client's line handling and checksum validation, with the protocol reference's checksum vectors. */
class SyncStateTest {

    // put.test.a.{"id":"a","description":"Test 1"}
    private static final long PUT_A = 2582164875L;
    // put.test.test1.{"id":"test1","description":"test1"}
    private static final long PUT_TEST1 = 2871785649L;
    // delete.6544e3899293153fa7b38331/b40bd986-036a-51c7-ad7d-789ecb75e38c
    private static final long REMOVE = 2872534815L;
    private static final String BUCKET = "by_user[\\\"u1\\\"]";

    private final SyncState state = new SyncState();

    private static String checkpoint(String lastOpId, String writeCheckpoint, long checksum) {
        return "{\"checkpoint\":{\"last_op_id\":\"" + lastOpId + "\""
                + (writeCheckpoint == null ? "" : ",\"write_checkpoint\":\"" + writeCheckpoint + "\"")
                + ",\"buckets\":[{\"bucket\":\"" + BUCKET + "\",\"checksum\":" + checksum + ",\"count\":2,\"priority\":3}]}}";
    }

    private static String putA(String opId, long checksum) {
        return "{\"op_id\":\"" + opId + "\",\"op\":\"PUT\",\"object_type\":\"test\",\"object_id\":\"a\","
                + "\"data\":\"{\\\"id\\\":\\\"a\\\",\\\"description\\\":\\\"Test 1\\\"}\",\"checksum\":" + checksum + ",\"subkey\":null}";
    }

    private static String putTest1(String opId) {
        return "{\"op_id\":\"" + opId + "\",\"op\":\"PUT\",\"object_type\":\"test\",\"object_id\":\"test1\","
                + "\"data\":\"{\\\"id\\\":\\\"test1\\\",\\\"description\\\":\\\"test1\\\"}\",\"checksum\":" + PUT_TEST1 + "}";
    }

    private static String removeA(String opId) {
        return "{\"op_id\":\"" + opId + "\",\"op\":\"REMOVE\",\"object_type\":\"test\",\"object_id\":\"a\",\"data\":null,\"checksum\":" + REMOVE + "}";
    }

    private static String data(String... ops) {
        return "{\"data\":{\"bucket\":\"" + BUCKET + "\",\"after\":\"0\",\"has_more\":false,\"data\":[" + String.join(",", ops) + "]}}";
    }

    private static String complete(String lastOpId) {
        return "{\"checkpoint_complete\":{\"last_op_id\":\"" + lastOpId + "\"}}";
    }

    /** The sum of unsigned op checksums mod 2^32, as the signed 32-bit number a checkpoint carries. */
    private static int signedSum(long... checksums) {
        long sum = 0;
        for (long c : checksums) {
            sum += c;
        }
        return (int) (sum % (1L << 32));
    }

    @Test
    void appliesACheckpointWhoseBucketChecksumIsTheWrappingSumOfItsOps() {
        state.connectionStarted();
        state.accept(checkpoint("4", "7", signedSum(PUT_A, PUT_TEST1)));
        state.accept(data(putA("3", PUT_A), putTest1("4")));
        assertThat(state.applied()).as("nothing applied before checkpoint_complete").isEmpty();
        assertThat(state.rows()).isEmpty();

        state.accept(complete("4"));

        assertThat(signedSum(PUT_A, PUT_TEST1)).isEqualTo(1158983228);
        AppliedCheckpoint applied = state.applied().orElseThrow();
        assertThat(applied.lastOpId()).isEqualTo(4);
        assertThat(applied.writeCheckpoint()).isEqualTo(7L);
        assertThat(applied.covers(7)).isTrue();
        assertThat(applied.covers(8)).isFalse();
        assertThat(state.rows()).extracting(SyncedRow::objectId).containsExactly("a", "test1");
        assertThat(state.rows().getFirst().data().path("description").asText()).isEqualTo("Test 1");
        assertThat(state.checksumFailures()).isEmpty();
        assertThat(state.afterPositions()).containsExactly(entry("by_user[\"u1\"]", 4L));
    }

    @Test
    void acceptsOpChecksumsInSignedFormAndBucketChecksumsInUnsignedForm() {
        state.connectionStarted();
        long unsignedBucket = Integer.toUnsignedLong(signedSum(PUT_A));
        state.accept(checkpoint("3", null, unsignedBucket));
        state.accept(data(putA("3", (int) PUT_A)));
        state.accept(complete("3"));

        assertThat(state.applied()).isPresent();
        assertThat(state.applied().get().writeCheckpoint()).isNull();
    }

    @Test
    void removeDeletesTheRowAndItsChecksumCounts() {
        state.connectionStarted();
        state.accept(checkpoint("5", null, signedSum(PUT_A, PUT_TEST1, REMOVE)));
        state.accept(data(putA("3", PUT_A), putTest1("4"), removeA("5")));
        state.accept(complete("5"));

        assertThat(state.checksumFailures()).isEmpty();
        assertThat(state.rows()).extracting(SyncedRow::objectId).containsExactly("test1");
    }

    @Test
    void aChecksumMismatchIsReportedNotAppliedAndTheBucketIsDownloadedAgain() {
        state.connectionStarted();
        state.accept(checkpoint("4", "2", signedSum(PUT_A, PUT_TEST1) + 1));
        state.accept(data(putA("3", PUT_A), putTest1("4")));
        state.accept(complete("4"));

        assertThat(state.applied()).isEmpty();
        assertThat(state.rows()).isEmpty();
        assertThat(state.checksumFailures()).singleElement().asString()
                .contains("by_user[\"u1\"]", "checkpoint 4", Integer.toString(signedSum(PUT_A, PUT_TEST1)));
        assertThat(state.afterPositions()).as("dropped: the next request asks for it from 0").isEmpty();
    }

    @Test
    void anOpSentTwiceIsFlaggedAndBreaksTheChecksumAsItWouldInAStockClient() {
        state.connectionStarted();
        state.accept(checkpoint("3", null, signedSum(PUT_A)));
        state.accept(data(putA("3", PUT_A)));
        state.accept(complete("3"));
        state.connectionStarted();
        state.accept(checkpoint("3", null, signedSum(PUT_A)));
        state.accept(data(putA("3", PUT_A)));
        state.accept(complete("3"));

        assertThat(state.receivedOps()).extracting(ReceivedOp::connection, ReceivedOp::resent)
                .containsExactly(tuple(1, false), tuple(2, true));
        assertThat(state.checksumFailures()).hasSize(1);
    }

    @Test
    void aDiffUpdatesChangedBucketsKeepsTheOthersAndDropsRemovedOnes() {
        String other = "global[]";
        state.connectionStarted();
        state.accept("{\"checkpoint\":{\"last_op_id\":\"4\",\"buckets\":[{\"bucket\":\"" + BUCKET + "\",\"checksum\":" + signedSum(PUT_A)
                + "},{\"bucket\":\"" + other + "\",\"checksum\":" + signedSum(PUT_TEST1) + "}]}}");
        state.accept(data(putA("3", PUT_A)));
        state.accept("{\"data\":{\"bucket\":\"" + other + "\",\"data\":[" + putTest1("4") + "]}}");
        state.accept(complete("4"));
        assertThat(state.rows()).hasSize(2);

        state.accept("{\"checkpoint_diff\":{\"last_op_id\":\"5\",\"write_checkpoint\":\"9\",\"updated_buckets\":[{\"bucket\":\""
                + BUCKET + "\",\"checksum\":" + signedSum(PUT_A, REMOVE) + "}],\"removed_buckets\":[\"" + other + "\"]}}");
        state.accept(data(removeA("5")));
        state.accept(complete("5"));

        assertThat(state.checksumFailures()).isEmpty();
        assertThat(state.applied().orElseThrow().writeCheckpoint()).isEqualTo(9L);
        assertThat(state.applied().get().bucketChecksums()).containsOnlyKeys("by_user[\"u1\"]");
        assertThat(state.rows()).isEmpty();
        assertThat(state.afterPositions()).containsOnlyKeys("by_user[\"u1\"]");
    }

    @Test
    void aNewerCheckpointMayInterruptAnUnfinishedOne() {
        state.connectionStarted();
        state.accept(checkpoint("3", "1", signedSum(PUT_A)));
        state.accept(checkpoint("4", "2", signedSum(PUT_A, PUT_TEST1)));
        state.accept(data(putA("3", PUT_A), putTest1("4")));

        assertThatThrownBy(() -> state.accept(complete("3"))).isInstanceOf(SyncProtocolException.class);
        state.accept(complete("4"));
        assertThat(state.applied().orElseThrow().writeCheckpoint()).isEqualTo(2L);
    }

    @Test
    void rejectsWhatAStockClientRejects() {
        state.connectionStarted();
        assertThatThrownBy(() -> state.accept("{\"checkpoint\":{\"last_op_id\":12,\"buckets\":[]}}"))
                .isInstanceOf(SyncProtocolException.class).hasMessageContaining("last_op_id must be a decimal string");
        assertThatThrownBy(() -> state.accept("{\"checkpoint\":{\"last_op_id\":\"1\",\"write_checkpoint\":5,\"buckets\":[]}}"))
                .isInstanceOf(SyncProtocolException.class).hasMessageContaining("write_checkpoint");
        assertThatThrownBy(() -> state.accept(data(putA("3", PUT_A).replace("\"checksum\":" + PUT_A, "\"checksum\":\"" + PUT_A + "\""))))
                .isInstanceOf(SyncProtocolException.class).hasMessageContaining("checksum must be a number");
        assertThatThrownBy(() -> state.accept(complete("1"))).isInstanceOf(SyncProtocolException.class);
        assertThatThrownBy(() -> state.accept("{\"checkpoint_diff\":{\"last_op_id\":\"2\"}}"))
                .isInstanceOf(SyncProtocolException.class).hasMessageContaining("before any checkpoint");
        assertThatThrownBy(() -> state.accept("not json")).isInstanceOf(SyncProtocolException.class);
    }

    @Test
    void ignoresBlankLinesKeepAlivesAndUnknownLines() {
        state.connectionStarted();
        state.accept("");
        state.accept("{\"token_expires_in\":3600}");
        state.accept("{\"partial_checkpoint_complete\":{\"last_op_id\":\"1\",\"priority\":0}}");
        state.accept("{\"something_new\":{}}");

        assertThat(state.tokenExpiresIn()).isEqualTo(3600L);
        assertThat(state.applied()).isEmpty();
        assertThat(state.receivedOps()).isEmpty();
    }
}

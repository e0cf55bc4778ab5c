package io.checkpointrelay.bridge.bucket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The test vectors of the sync protocol reference. */
class ChecksumTest {

    @Test
    void putChecksumsMatchTheReferenceVectors() {
        long first = Checksums.put("test", "a", "{\"id\":\"a\",\"description\":\"Test 1\"}");
        long second = Checksums.put("test", "test1", "{\"id\":\"test1\",\"description\":\"test1\"}");

        assertThat(first).isEqualTo(2582164875L);
        assertThat(Checksums.toSigned(first)).isEqualTo(-1712802421);
        assertThat(second).isEqualTo(2871785649L);
        assertThat(Checksums.toSigned(second)).isEqualTo(-1423181647);
    }

    @Test
    void removeChecksumMatchesTheReferenceVector() {
        long remove = Checksums.remove("6544e3899293153fa7b38331/b40bd986-036a-51c7-ad7d-789ecb75e38c");

        assertThat(remove).isEqualTo(2872534815L);
        assertThat(Checksums.toSigned(remove)).isEqualTo(-1422432481);
    }

    @Test
    void bucketChecksumIsTheSumModulo2To32() {
        long sum = Checksums.add(Checksums.add(0, 2582164875L), 2871785649L);

        assertThat(sum).isEqualTo((2582164875L + 2871785649L) % 4294967296L);
        assertThat(Checksums.toSigned(sum)).isEqualTo(-1712802421 + -1423181647);
    }
}

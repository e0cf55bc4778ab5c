package io.checkpointrelay.bridge.bucket;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Op and bucket checksums of the sync protocol. An op checksum is the first four bytes of the
 * SHA-256 of {@code put.<object_type>.<object_id>.<data>} (PUT) or {@code delete.<subkey>} (REMOVE),
 * read as an unsigned little-endian 32-bit integer; a bucket checksum is the sum of its ops'
 * checksums modulo 2^32. Values are kept unsigned in a long; {@link #toSigned} gives the wire form
 * of bucket checksums.
 */
public final class Checksums {

    private static final long MASK = 0xFFFF_FFFFL;
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    });

    private Checksums() {
    }

    public static long put(String objectType, String objectId, String data) {
        return of("put." + objectType + "." + objectId + "." + data);
    }

    public static long remove(String subkey) {
        return of("delete." + subkey);
    }

    /** First four bytes of SHA-256 of the UTF-8 text, little-endian, unsigned. */
    public static long of(String text) {
        byte[] hash = SHA_256.get().digest(text.getBytes(StandardCharsets.UTF_8));
        return (hash[0] & 0xFFL) | (hash[1] & 0xFFL) << 8 | (hash[2] & 0xFFL) << 16 | (hash[3] & 0xFFL) << 24;
    }

    /** Sum modulo 2^32. */
    public static long add(long a, long b) {
        return (a + b) & MASK;
    }

    /** The signed 32-bit form bucket checksums are sent in. */
    public static int toSigned(long checksum) {
        return (int) checksum;
    }
}

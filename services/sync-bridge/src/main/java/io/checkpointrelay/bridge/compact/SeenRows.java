package io.checkpointrelay.bridge.compact;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

/**
 * The objects of one bucket that compaction has seen, newest first, with the op that last wrote each.
 * An object is (object_type, object_id, subkey), kept as 128 bits of its SHA-256 so memory per
 * object stays small and fixed (about 90 bytes) whatever the ids: a collision would turn a live op
 * into a MOVE, so the hash must be one nobody can collide on purpose. Holds at most {@code limit}
 * objects; beyond that older ops of unseen objects are simply left as they are, as the reference
 * service does.
 */
final class SeenRows {

    private record Key(long high, long low) {
    }

    private final Map<Key, Long> lastOps = new HashMap<>();
    private final int limit;
    private final MessageDigest sha256;

    SeenRows(int limit) {
        this.limit = limit;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /**
     * Records an op of an object met in descending op id order.
     *
     * @return the op id of a later op of the same object (the op is superseded), or 0
     */
    long supersededBy(String objectType, String objectId, String subkey, long opId) {
        Key key = key(objectType, objectId, subkey);
        Long later = lastOps.get(key);
        if (later != null) {
            return later;
        }
        if (lastOps.size() < limit) {
            lastOps.put(key, opId);
        }
        return 0;
    }

    private Key key(String objectType, String objectId, String subkey) {
        // PostgreSQL text never contains NUL, so the three parts cannot run into each other.
        String text = objectType + '\0' + objectId + '\0' + subkey;
        ByteBuffer hash = ByteBuffer.wrap(sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
        return new Key(hash.getLong(), hash.getLong());
    }
}

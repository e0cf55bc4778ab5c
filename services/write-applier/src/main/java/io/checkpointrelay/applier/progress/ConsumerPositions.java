package io.checkpointrelay.applier.progress;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.checkpointrelay.applier.config.RelayConfig;
import io.smallrye.mutiny.Uni;

/**
 * The consumer group's position in each uploads partition, kept in PostgreSQL next to the
 * writes: the authoritative record of what is applied. Kafka's committed offsets still follow
 * (for lag monitoring), but a record is applied only if this table says it is not yet.
 */
@ApplicationScoped
public class ConsumerPositions {

    // The conditional update also locks the row: of two instances briefly holding the same
    // partition during a rebalance, the second waits, then finds the record taken.
    private static final String CLAIM = "INSERT INTO " + ProgressTables.POSITIONS + " AS p"
            + " (group_id, topic, partition, next_offset, updated_at) VALUES (?1, ?2, ?3, ?4, now())"
            + " ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()"
            + " WHERE p.next_offset < EXCLUDED.next_offset RETURNING p.next_offset";

    private static final String PAST = "SELECT 1 FROM " + ProgressTables.POSITIONS
            + " WHERE group_id = ?1 AND topic = ?2 AND partition = ?3 AND next_offset > ?4";

    private static final String READ = "SELECT partition, next_offset FROM " + ProgressTables.POSITIONS
            + " WHERE group_id = ?1 AND topic = ?2";

    private final String groupId;

    ConsumerPositions(RelayConfig config) {
        this.groupId = config.uploads().groupId();
    }

    /**
     * Moves the position past {@code position} in the caller's transaction, unless it already is
     * past: then the record was applied before (a redelivery after a crash or rebalance).
     *
     * @return true when the caller is the one to apply the record
     */
    public Uni<Boolean> claim(Mutiny.Session session, RecordPosition position) {
        return session.createNativeQuery(CLAIM)
                .setParameter(1, groupId)
                .setParameter(2, position.topic())
                .setParameter(3, position.partition())
                .setParameter(4, position.offset() + 1)
                .getResultList()
                .map(rows -> !rows.isEmpty());
    }

    /** Whether the position is already past the record, without claiming or locking anything. */
    public Uni<Boolean> isPast(Mutiny.Session session, RecordPosition position) {
        return session.createNativeQuery(PAST)
                .setParameter(1, groupId)
                .setParameter(2, position.topic())
                .setParameter(3, position.partition())
                .setParameter(4, position.offset())
                .getResultList()
                .map(rows -> !rows.isEmpty());
    }

    /** The next offset to apply of every partition of {@code topic} this group has applied from. */
    public Uni<Map<Integer, Long>> nextOffsets(Mutiny.Session session, String topic) {
        return session.createNativeQuery(READ, Object[].class)
                .setParameter(1, groupId)
                .setParameter(2, topic)
                .getResultList()
                .map(ConsumerPositions::byPartition);
    }

    private static Map<Integer, Long> byPartition(List<Object[]> rows) {
        Map<Integer, Long> offsets = new HashMap<>();
        for (Object[] row : rows) {
            offsets.put(((Number) row[0]).intValue(), ((Number) row[1]).longValue());
        }
        return offsets;
    }
}

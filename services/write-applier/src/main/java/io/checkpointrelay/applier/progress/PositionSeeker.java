package io.checkpointrelay.applier.progress;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.checkpointrelay.applier.config.RelayConfig;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Starts every newly assigned uploads partition where PostgreSQL says it is applied up to,
 * after a restart as after a rebalance, instead of at Kafka's committed offset (which may lag
 * behind, since it is committed after the database). Partitions the database knows nothing
 * about start at the committed offset, or the earliest one.
 *
 * <p>Runs on the consumer's polling thread, where blocking is allowed; while the database is
 * unreachable it keeps trying for {@code MAX_WAIT}, then fails the poll (and the channel).
 */
@ApplicationScoped
@Identifier(PositionSeeker.NAME)
public class PositionSeeker implements KafkaConsumerRebalanceListener {

    /** The name {@code mp.messaging.incoming.uploads.consumer-rebalance-listener.name} refers to. */
    public static final String NAME = "uploads-positions";

    private static final Logger LOG = Logger.getLogger(PositionSeeker.class);
    private static final Duration MAX_WAIT = Duration.ofMinutes(2);

    private final Mutiny.SessionFactory sessionFactory;
    private final ConsumerPositions positions;
    private final String topic;

    PositionSeeker(Mutiny.SessionFactory sessionFactory, ConsumerPositions positions, RelayConfig config) {
        this.sessionFactory = sessionFactory;
        this.positions = positions;
        this.topic = config.uploads().topic();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<Integer, Long> applied = appliedPositions();
        for (TopicPartition partition : partitions) {
            Long next = applied.get(partition.partition());
            if (partition.topic().equals(topic) && next != null) {
                consumer.seek(partition, next);
            }
        }
        LOG.infof("Assigned %s; resuming from the applied positions in PostgreSQL %s", partitions, applied);
    }

    private Map<Integer, Long> appliedPositions() {
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        for (long backoff = 200;; backoff = Math.min(backoff * 2, 5_000)) {
            try {
                return VertxContextSupport.subscribeAndAwait(() -> sessionFactory.withSession(s -> positions.nextOffsets(s, topic)));
            } catch (Throwable e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Cannot read the applied positions of " + topic + " from PostgreSQL", e);
                }
                LOG.warnf("Cannot read the applied positions of %s from PostgreSQL yet, retrying: %s", topic, e.getMessage());
                sleep(backoff);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the applied positions", e);
        }
    }
}

package io.checkpointrelay.events;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.LifecycleJson;

/**
 * Publishes lifecycle events without ever failing or stalling the caller: {@link #publish}
 * only offers the event to a bounded buffer, and one sender thread hands events to Kafka in
 * order. When Kafka is slow or down the buffer fills; events that find it full, or that Kafka
 * refuses, are counted in {@link #dropped()} (services expose it as a metric) and logged at
 * most once a minute, never silently lost.
 *
 * <p>Framework-free, so upload-api, write-applier and sync-bridge share one implementation;
 * each service builds it with its own producer settings and closes it on shutdown.
 */
public final class LifecyclePublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LifecyclePublisher.class);
    private static final long LOG_EVERY_NANOS = Duration.ofMinutes(1).toNanos();
    private static final CheckpointEvent STOP = new CheckpointEvent(0, null, null, null, 0, null, null, null, null, null);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final BlockingQueue<CheckpointEvent> buffer;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final Thread sender;
    private volatile boolean closed;

    /**
     * @param producer the producer to send with (owned: closed by {@link #close()})
     * @param capacity events the buffer holds while Kafka is slow
     */
    public LifecyclePublisher(Producer<String, byte[]> producer, String topic, int capacity) {
        this.producer = producer;
        this.topic = topic;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.sender = Thread.ofPlatform().daemon().name("lifecycle-events-sender").start(this::sendLoop);
    }

    /** Offers the event for sending; returns at once. */
    public void publish(CheckpointEvent event) {
        if (closed || !buffer.offer(event)) {
            drop("the buffer of " + (buffer.size() + buffer.remainingCapacity()) + " events is full", null);
        }
    }

    /** Events Kafka acknowledged. */
    public long published() {
        return published.get();
    }

    /** Events lost: the buffer was full, Kafka refused them, or they came after close. */
    public long dropped() {
        return dropped.get();
    }

    /** Events waiting in the buffer. */
    public int buffered() {
        return buffer.size();
    }

    private void sendLoop() {
        try {
            for (CheckpointEvent event = buffer.take(); event != STOP; event = buffer.take()) {
                try {
                    producer.send(new ProducerRecord<>(topic, event.clientKey().toKafkaKey(), LifecycleJson.toBytes(event)),
                            (metadata, failure) -> {
                                if (failure == null) {
                                    published.incrementAndGet();
                                } else {
                                    drop("Kafka refused it", failure);
                                }
                            });
                } catch (RuntimeException e) {
                    drop("Kafka refused it", e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drop(String why, Throwable failure) {
        long total = dropped.incrementAndGet();
        long now = System.nanoTime();
        long last = lastDropLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastDropLog.compareAndSet(last, now)) {
            LOG.warnf("Dropped a checkpoint lifecycle event (%s); %d dropped so far%s", why, total,
                    failure == null ? "" : ": " + failure);
        }
    }

    /** Sends what is buffered (waiting up to {@code timeout}), then closes the producer. */
    public void close(Duration timeout) {
        closed = true;
        buffer.offer(STOP);
        try {
            sender.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.interrupt();
        producer.close(timeout);
        buffer.remove(STOP);
        dropped.addAndGet(buffer.size());
        buffer.clear();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}

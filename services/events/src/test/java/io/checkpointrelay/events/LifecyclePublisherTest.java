package io.checkpointrelay.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.LifecycleJson;
import io.checkpointrelay.protocol.upload.ClientKey;

/** Emitting an event never stalls the caller; what cannot be sent is counted, in order otherwise. */
class LifecyclePublisherTest {

    private static final ClientKey CLIENT = new ClientKey("alice", "phone");

    @Test
    void eventsReachKafkaInOrderKeyedByClient() throws Exception {
        MockProducer<String, byte[]> kafka = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (LifecyclePublisher publisher = new LifecyclePublisher(kafka, "events", 10)) {
            for (long id = 1; id <= 5; id++) {
                publisher.publish(CheckpointEvent.requested(CLIENT, id, false, "test"));
            }
            awaitPublished(publisher, 5);
            assertThat(kafka.history()).extracting(ProducerRecord::key).containsOnly(CLIENT.toKafkaKey());
            assertThat(kafka.history()).extracting(r -> LifecycleJson.fromBytes(r.value(), CheckpointEvent.class).requestId())
                    .containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(publisher.dropped()).isZero();
        }
    }

    @Test
    void aStalledKafkaNeverBlocksTheCallerAndOverflowIsCounted() throws Exception {
        CountDownLatch kafkaBack = new CountDownLatch(1);
        MockProducer<String, byte[]> stalled = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
                try {
                    kafkaBack.await(); // a producer whose buffer is full blocks in send()
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.send(record, callback);
            }
        };
        try (LifecyclePublisher publisher = new LifecyclePublisher(stalled, "events", 3)) {
            publisher.publish(CheckpointEvent.requested(CLIENT, 1, false, "test"));
            while (publisher.buffered() > 0) {
                Thread.sleep(5); // until the sender is stuck in send() with the first event
            }
            long started = System.nanoTime();
            for (long id = 2; id <= 10; id++) {
                publisher.publish(CheckpointEvent.requested(CLIENT, id, false, "test"));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("publishing never waits for Kafka").isLessThan(Duration.ofSeconds(1));
            // One event is in the stalled send, three wait in the buffer, six found it full.
            assertThat(publisher.dropped()).isEqualTo(6);
            kafkaBack.countDown();
            awaitPublished(publisher, 4);
            assertThat(publisher.dropped()).isEqualTo(6);
        }
    }

    @Test
    void eventsKafkaRefusesAreCountedAsDropped() throws Exception {
        MockProducer<String, byte[]> refusing = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        try (LifecyclePublisher publisher = new LifecyclePublisher(refusing, "events", 10)) {
            publisher.publish(CheckpointEvent.applied(CLIENT, 1, "test"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (refusing.history().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            refusing.errorNext(new org.apache.kafka.common.errors.TimeoutException("no broker"));
            assertThat(publisher.dropped()).isEqualTo(1);
            assertThat(publisher.published()).isZero();
        }
    }

    private static void awaitPublished(LifecyclePublisher publisher, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (publisher.published() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(publisher.published()).isEqualTo(count);
    }
}

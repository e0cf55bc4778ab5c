package io.checkpointrelay.upload.queue;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.checkpointrelay.upload.config.RelayConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Puts accepted batches on the uploads topic, one record per request, keyed by user and
 * client so that one client's batches stay in one partition, in the order they were accepted.
 */
@ApplicationScoped
public class UploadQueue {

    /** The outgoing channel ({@code mp.messaging.outgoing.uploads.*}). */
    public static final String CHANNEL = "uploads";

    /** Beyond the producer's own delivery timeout, so its verdict normally arrives first. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(2);

    private final MutinyEmitter<QueuedBatch> emitter;
    private final Duration answerTimeout;

    public UploadQueue(@Channel(CHANNEL) MutinyEmitter<QueuedBatch> emitter, RelayConfig config) {
        this.emitter = emitter;
        this.answerTimeout = config.upload().deliveryTimeout().plus(ANSWER_MARGIN);
    }

    /**
     * Sends the batch; the returned Uni completes only once Kafka has acknowledged the record
     * (acks=all), and fails with {@link QueueUnavailableException} when it does not.
     */
    public Uni<Void> enqueue(QueuedBatch batch) {
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String> builder()
                .withKey(batch.clientKey().toKafkaKey())
                .build();
        return emitter.sendMessage(Message.of(batch).addMetadata(key))
                .ifNoItem().after(answerTimeout)
                .failWith(() -> new TimeoutException("no acknowledgement within " + answerTimeout.toMillis() + " ms"))
                .onFailure().transform(failure -> new QueueUnavailableException(batch.batchId(), failure));
    }
}

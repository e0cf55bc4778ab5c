package io.checkpointrelay.applier.reject;

import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.checkpointrelay.applier.apply.VertxContexts;
import io.checkpointrelay.protocol.upload.DeadLetter;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Sends rejected records to the dead-letter topic (channel {@code dead-letters}). */
@ApplicationScoped
public class DeadLetters {

    private final MutinyEmitter<byte[]> emitter;

    DeadLetters(@Channel("dead-letters") MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /**
     * Sends the letter under the rejected record's key and completes, on the caller's Vert.x
     * context, once Kafka has it.
     *
     * @return where it went, {@code topic/partition@offset}
     */
    Uni<String> send(String key, DeadLetter letter) {
        return Uni.createFrom().deferred(() -> {
            Executor caller = VertxContexts.current();
            OutgoingMessageMetadata<RecordMetadata> sent = new OutgoingMessageMetadata<>();
            Message<byte[]> message = Message.of(letter.toBytes())
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())
                    .addMetadata(sent);
            return emitter.sendMessage(message)
                    .map(ignored -> sent.getResult().topic() + "/" + sent.getResult().partition() + "@" + sent.getResult().offset())
                    .emitOn(caller);
        });
    }
}

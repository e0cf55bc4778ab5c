package io.checkpointrelay.protocol.lifecycle;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.checkpointrelay.protocol.upload.ClientKey;

/**
 * One stage in the life of a checkpoint request, on {@code relay.checkpoint-events} keyed by
 * {@link ClientKey#toKafkaKey()} so that a client's events stay in order. The same request id
 * of the same (user, client) ties the stages together.
 *
 * @param version    {@link #VERSION}; readers skip versions they do not know
 * @param stage      which stage this is
 * @param userId     the user (JWT subject)
 * @param clientId   the client's id
 * @param requestId  the checkpoint request id (for {@code delivered}, the write_checkpoint sent)
 * @param at         when the stage happened, by the emitting instance's clock
 * @param instance   the emitting service instance ({@code service@host/pid})
 * @param repost     {@code requested} only: true when the id equals the one already stored
 *                   (a client re-posting an unacknowledged request)
 * @param reason     {@code rejected} only: why the batch was rejected
 * @param deadLetter {@code rejected} only: where the dead letter went, {@code topic/partition@offset}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckpointEvent(
        @JsonProperty("version") int version,
        @JsonProperty("stage") CheckpointStage stage,
        @JsonProperty("user_id") String userId,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("request_id") long requestId,
        @JsonProperty("at") Instant at,
        @JsonProperty("instance") String instance,
        @JsonProperty("repost") Boolean repost,
        @JsonProperty("reason") String reason,
        @JsonProperty("dead_letter") String deadLetter) {

    /** The schema version this code writes. */
    public static final int VERSION = 1;

    public static CheckpointEvent requested(ClientKey client, long requestId, boolean repost, String instance) {
        return new CheckpointEvent(VERSION, CheckpointStage.REQUESTED, client.userId(), client.clientId(), requestId, Instant.now(),
                instance, repost, null, null);
    }

    public static CheckpointEvent applied(ClientKey client, long requestId, String instance) {
        return of(CheckpointStage.APPLIED, client, requestId, instance);
    }

    public static CheckpointEvent rejected(ClientKey client, long requestId, String reason, String deadLetter, String instance) {
        return new CheckpointEvent(VERSION, CheckpointStage.REJECTED, client.userId(), client.clientId(), requestId, Instant.now(),
                instance, null, reason, deadLetter);
    }

    public static CheckpointEvent replicated(ClientKey client, long requestId, String instance) {
        return of(CheckpointStage.REPLICATED, client, requestId, instance);
    }

    public static CheckpointEvent delivered(ClientKey client, long requestId, String instance) {
        return of(CheckpointStage.DELIVERED, client, requestId, instance);
    }

    private static CheckpointEvent of(CheckpointStage stage, ClientKey client, long requestId, String instance) {
        return new CheckpointEvent(VERSION, stage, client.userId(), client.clientId(), requestId, Instant.now(), instance, null, null,
                null);
    }

    public ClientKey clientKey() {
        return new ClientKey(userId, clientId);
    }
}

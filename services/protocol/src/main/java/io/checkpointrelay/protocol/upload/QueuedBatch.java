package io.checkpointrelay.protocol.upload;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The value of one record on the uploads topic: a validated client batch, a checkpoint
 * request, or both. upload-api produces it keyed by {@link ClientKey#toKafkaKey()}; the
 * write-applier applies its entries and, when {@code checkpointRequestId} is set, writes the
 * checkpoint row in the same database transaction.
 *
 * @param batchId             unique per upload request, for logs and tracing
 * @param entries             the CRUD entries in client order; empty for a bare checkpoint request
 * @param checkpointRequestId the client-generated request id fulfilled once the entries are applied, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueuedBatch(
        @JsonProperty("version") int version,
        @JsonProperty("batch_id") String batchId,
        @JsonProperty("user_id") String userId,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("entries") List<CrudEntry> entries,
        @JsonProperty("checkpoint_request_id") Long checkpointRequestId,
        @JsonProperty("received_at") Instant receivedAt) {

    /** The record format version this code writes and reads. */
    public static final int VERSION = 1;

    public QueuedBatch {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    /** A record accepted now, with a fresh batch id, in the format this code writes. */
    public static QueuedBatch accepted(String userId, String clientId, List<CrudEntry> entries, Long checkpointRequestId) {
        return new QueuedBatch(VERSION, UUID.randomUUID().toString(), userId, clientId, entries, checkpointRequestId, Instant.now());
    }

    /** A bare checkpoint request accepted now: no entries, fulfilled after the client's earlier batches. */
    public static QueuedBatch checkpointRequest(String userId, String clientId, long checkpointRequestId) {
        return accepted(userId, clientId, List.of(), checkpointRequestId);
    }

    public ClientKey clientKey() {
        return new ClientKey(userId, clientId);
    }
}

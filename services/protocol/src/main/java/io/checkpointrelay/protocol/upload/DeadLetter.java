package io.checkpointrelay.protocol.upload;

import java.io.IOException;
import java.time.Instant;

import org.apache.kafka.common.errors.SerializationException;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The value of a record on the dead-letter topic: an uploads record write-applier will never
 * apply, with why. It carries everything needed to replay it after a fix: the batch as queued
 * (or, when the bytes were not a batch, the bytes themselves) and where it was consumed from.
 *
 * @param reason     why it was rejected, in one line (the database's words with SQLSTATE, a
 *                   table handler's reason, or why the bytes are not a batch)
 * @param batch      the queued batch, or null when the record could not be read as one
 * @param rawValue   the record's bytes when {@code batch} is null (base64 in JSON), else null
 * @param instance   the write-applier instance that rejected it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(
        @JsonProperty("version") int version,
        @JsonProperty("reason") String reason,
        @JsonProperty("source_topic") String sourceTopic,
        @JsonProperty("source_partition") int sourcePartition,
        @JsonProperty("source_offset") long sourceOffset,
        @JsonProperty("user_id") String userId,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("batch") QueuedBatch batch,
        @JsonProperty("raw_value") byte[] rawValue,
        @JsonProperty("rejected_at") Instant rejectedAt,
        @JsonProperty("instance") String instance) {

    /** The record format version this code writes and reads. */
    public static final int VERSION = 1;

    public byte[] toBytes() {
        try {
            return QueuedBatchSerde.JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new SerializationException("Cannot encode the dead letter of offset " + sourceOffset, e);
        }
    }

    /** @throws SerializationException when the bytes are not a dead letter */
    public static DeadLetter fromBytes(byte[] bytes) {
        try {
            return QueuedBatchSerde.JSON.readValue(bytes, DeadLetter.class);
        } catch (IOException e) {
            throw new SerializationException("Not a dead letter: " + e.getMessage(), e);
        }
    }
}

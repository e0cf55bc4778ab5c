package io.checkpointrelay.bridge.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.checkpointrelay.protocol.upload.ClientKey;

/**
 * The payload of the NOTIFY a storage commit sends, so bridges that do not replicate wake the
 * same streams the replicating one does ({@link CheckpointListener}). It carries
 * {@link CheckpointChanges}; a summary too long for a notification (PostgreSQL's limit is 8000
 * bytes) goes out as "anything", which wakes every stream.
 */
public final class CheckpointNotice {

    /** Below PostgreSQL's 8000-byte payload limit. */
    static final int MAX_PAYLOAD_BYTES = 7900;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Absent lists mean "any". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Payload(long checkpoint, List<String> buckets, List<List<String>> clients, boolean parameterIndex) {
    }

    private CheckpointNotice() {
    }

    public static String payload(CheckpointChanges changes) {
        String payload = encode(new Payload(changes.lastOpId(),
                changes.buckets() == null ? null : List.copyOf(changes.buckets()),
                changes.writeCheckpoints() == null ? null
                        : changes.writeCheckpoints().stream().map(key -> List.of(key.userId(), key.clientId())).toList(),
                changes.parameterIndex()));
        if (payload.getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD_BYTES) {
            return payload;
        }
        return encode(new Payload(changes.lastOpId(), null, null, true));
    }

    /** The changes a notice announces. */
    public static CheckpointChanges parse(String payload) {
        try {
            Payload notice = JSON.readValue(payload, Payload.class);
            return CheckpointChanges.of(notice.checkpoint(), notice.buckets(),
                    notice.clients() == null ? null : notice.clients().stream().map(key -> new ClientKey(key.get(0), key.get(1))).toList(),
                    notice.parameterIndex());
        } catch (IOException e) {
            throw new IllegalArgumentException("Not a checkpoint notice: " + payload, e);
        }
    }

    private static String encode(Payload payload) {
        try {
            return JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.checkpointrelay.protocol.upload;

import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of one user: the unit checkpoint requests are scoped to, and the Kafka key of
 * everything that client queues, so that its batches and requests stay in one partition, in order.
 */
public record ClientKey(String userId, String clientId) {

    /**
     * The longest client id any endpoint accepts (upload-api's uploads and checkpoint requests,
     * sync-bridge's managed checkpoints). Client ids are UUIDs in practice; the limit only keeps
     * absurd values out of Kafka keys and the checkpoint tables (text columns, no limit of their own).
     */
    public static final int MAX_CLIENT_ID_LENGTH = 256;

    private static final ObjectMapper JSON = new ObjectMapper();

    public ClientKey {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(clientId, "clientId");
    }

    /** The Kafka record key: a JSON array {@code ["user","client"]}, unambiguous for any ids. */
    public String toKafkaKey() {
        try {
            return JSON.writeValueAsString(new String[] { userId, clientId });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ClientKey fromKafkaKey(String key) {
        try {
            String[] parts = JSON.readValue(key, new TypeReference<String[]>() {
            });
            if (parts.length != 2) {
                throw new IllegalArgumentException("Kafka key is not [user, client]: " + key);
            }
            return new ClientKey(parts[0], parts[1]);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Kafka key is not [user, client]: " + key, e);
        }
    }
}

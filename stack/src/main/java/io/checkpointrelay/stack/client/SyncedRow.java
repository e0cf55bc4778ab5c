package io.checkpointrelay.stack.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A row the client holds after a validated checkpoint: what the app would show. */
public record SyncedRow(String bucket, String objectType, String objectId, JsonNode data) {
}

package io.checkpointrelay.bridge.stream;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Body of {@code POST /sync/stream}. Only what the bridge uses is read; every other field
 * ({@code raw_data}, {@code include_checksum}, {@code streams}, {@code app_metadata}...) is ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StreamRequest(
        List<BucketPosition> buckets,
        @JsonProperty("client_id") String clientId,
        JsonNode parameters) {

    /** A bucket the client has, and the last op id it holds (decimal string). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BucketPosition(String name, String after) {
    }
}

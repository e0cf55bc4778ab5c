package io.checkpointrelay.bridge.stream;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Body of {@code POST /sync/stream}. Unknown fields ({@code streams}, {@code app_metadata},
 * {@code binary_data}...) are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StreamRequest(
        List<BucketPosition> buckets,
        @JsonProperty("include_checksum") Boolean includeChecksum,
        @JsonProperty("raw_data") Boolean rawData,
        @JsonProperty("client_id") String clientId,
        JsonNode parameters) {

    /** A bucket the client has, and the last op id it holds (decimal string). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BucketPosition(String name, String after) {
    }
}

package io.checkpointrelay.tracker.state;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The latest rejected batch of a client: write-applier refused it for good and wrote the
 * checkpoint row anyway, so the request goes on to replication like an applied one.
 *
 * @param deadLetter where the batch went, {@code topic/partition@offset}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rejection(
        @JsonProperty("request_id") long requestId,
        @JsonProperty("reason") String reason,
        @JsonProperty("dead_letter") String deadLetter,
        @JsonProperty("at") Instant at) {

    StageMark mark() {
        return new StageMark(requestId, at);
    }
}

package io.checkpointrelay.tracker.query;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.checkpointrelay.protocol.lifecycle.WaitingStage;

/**
 * A client waiting for its latest checkpoint request, as {@code GET /clients/stuck} lists it.
 *
 * @param since   when it started waiting
 * @param age     how long it has waited, ISO-8601 ({@code PT12.5S})
 * @param alerted whether a {@code stuck} alert went out for this wait
 */
public record StuckClient(
        @JsonProperty("user_id") String userId,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("request_id") long requestId,
        @JsonProperty("waiting_in") WaitingStage waitingIn,
        @JsonProperty("since") Instant since,
        @JsonProperty("age") String age,
        @JsonProperty("alerted") boolean alerted) {

    static StuckClient of(String userId, String clientId, long requestId, WaitingStage waitingIn, Instant since, Instant now,
            boolean alerted) {
        return new StuckClient(userId, clientId, requestId, waitingIn, since, Duration.between(since, now).toString(), alerted);
    }
}

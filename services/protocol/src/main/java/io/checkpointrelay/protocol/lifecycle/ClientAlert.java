package io.checkpointrelay.protocol.lifecycle;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * checkpoint-tracker's verdict on one client, on {@code relay.checkpoint-alerts} keyed like the
 * events: {@code stuck} when its latest request is not delivered after the threshold (with the
 * stage it waits in), {@code recovered} when that request (or a later one) is delivered.
 *
 * @param requestId   the latest requested id at the time of the verdict
 * @param since       when that request was made
 * @param waitingIn   {@code stuck} only: the stage the request waits in
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientAlert(
        @JsonProperty("version") int version,
        @JsonProperty("type") Type type,
        @JsonProperty("user_id") String userId,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("request_id") long requestId,
        @JsonProperty("since") Instant since,
        @JsonProperty("waiting_in") WaitingStage waitingIn,
        @JsonProperty("at") Instant at,
        @JsonProperty("instance") String instance) {

    public static final int VERSION = 1;

    public enum Type {
        @JsonProperty("stuck")
        STUCK,
        @JsonProperty("recovered")
        RECOVERED
    }
}

package io.checkpointrelay.tracker.state;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.checkpointrelay.protocol.lifecycle.WaitingStage;

/**
 * Set when the tracker sent a {@code stuck} alert for the client's current wait, so that neither
 * a later check nor a restarted tracker (the state comes back from the changelog) sends it again,
 * and cleared with the {@code recovered} alert.
 *
 * @param requestId the latest requested id when the alert went out
 * @param waitingIn the stage the request waited in then
 * @param since     when the client started waiting ({@link ClientState#waitingSince()})
 * @param alertedAt when the alert went out (tracker's wall clock)
 */
public record StuckMark(
        @JsonProperty("request_id") long requestId,
        @JsonProperty("waiting_in") WaitingStage waitingIn,
        @JsonProperty("since") Instant since,
        @JsonProperty("alerted_at") Instant alertedAt) {
}

package io.checkpointrelay.tracker.state;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The greatest request id a stage has reached for a client, and when (by the emitting
 * instance's clock) that id first reached it.
 */
public record StageMark(@JsonProperty("request_id") long requestId, @JsonProperty("at") Instant at) {

    /** Whether this stage has reached request {@code id}: a stage reaching an id covers every smaller one. */
    public boolean covers(long id) {
        return requestId >= id;
    }

    static boolean covers(StageMark mark, long id) {
        return mark != null && mark.covers(id);
    }
}

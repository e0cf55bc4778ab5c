package io.checkpointrelay.tracker.state;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.checkpointrelay.protocol.lifecycle.WaitingStage;
import io.checkpointrelay.protocol.upload.ClientKey;

/**
 * Everything the tracker knows about one (user, client): the latest request and how far its
 * stages got, re-posts, the latest rejection, and whether the client waits and since when. Kept
 * in the {@code client-states} store (changelogged), published on the clients topic and shown
 * by {@code GET /clients/{user_id}/{client_id}}. {@link ClientFold} explains how events change it.
 *
 * @param requested       the latest request (id, first seen at)
 * @param applied         the greatest id write-applier applied
 * @param replicated      the greatest id sync-bridge replicated
 * @param delivered       the greatest write_checkpoint a stream delivered
 * @param lastRejection   the latest rejected batch
 * @param reposts         how often the client re-posted its latest request
 * @param lastRepostAt    when the latest of those re-posts was made (tells a new re-post from a duplicate event)
 * @param counterRestarts how often the client restarted its id counter (a request below the latest, see ClientFold)
 * @param restartedAt     when it last did
 * @param waitingSince    when the client started waiting for an undelivered request, null when it does not wait
 * @param stuck           set while a stuck alert for the current wait stands
 * @param latenciesRecorded the latencies already measured for the latest request
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(value = "waiting_in", allowGetters = true, ignoreUnknown = true)
public record ClientState(
        @JsonProperty("version") int version,
        @JsonProperty("user_id") String userId,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("requested") StageMark requested,
        @JsonProperty("applied") StageMark applied,
        @JsonProperty("replicated") StageMark replicated,
        @JsonProperty("delivered") StageMark delivered,
        @JsonProperty("last_rejection") Rejection lastRejection,
        @JsonProperty("reposts") long reposts,
        @JsonProperty("last_repost_at") Instant lastRepostAt,
        @JsonProperty("counter_restarts") long counterRestarts,
        @JsonProperty("restarted_at") Instant restartedAt,
        @JsonProperty("waiting_since") Instant waitingSince,
        @JsonProperty("stuck") StuckMark stuck,
        @JsonProperty("latencies_recorded") Set<Latency> latenciesRecorded) {

    /** The format version this code writes; the store and the clients topic hold it. */
    public static final int VERSION = 1;

    public ClientState {
        latenciesRecorded = latenciesRecorded == null ? Set.of() : enumSet(latenciesRecorded);
    }

    public static ClientState empty(ClientKey client) {
        return new ClientState(VERSION, client.userId(), client.clientId(), null, null, null, null, null, 0, null, 0, null, null,
                null, Set.of());
    }

    /**
     * Where the latest request waits: null when there is none or it is delivered. A later stage
     * reaching the id settles the earlier ones (events of the earlier stage may come late or be
     * lost); a rejection moves the request on like an application, since the checkpoint row is
     * written either way.
     */
    @JsonProperty("waiting_in")
    public WaitingStage waitingIn() {
        if (requested == null) {
            return null;
        }
        long id = requested.requestId();
        if (StageMark.covers(delivered, id)) {
            return null;
        }
        if (StageMark.covers(replicated, id)) {
            return WaitingStage.REPLICATED_NOT_DELIVERED;
        }
        if (StageMark.covers(applied, id) || (lastRejection != null && lastRejection.mark().covers(id))) {
            return WaitingStage.APPLIED_NOT_REPLICATED;
        }
        return WaitingStage.QUEUED;
    }

    /** Whether the latest request is not delivered yet. */
    @JsonIgnore
    public boolean isWaiting() {
        return waitingIn() != null;
    }

    /**
     * When the latest event that changed this state was made (by its emitter's clock): the newest
     * time the state records. Duplicates and late events change nothing, so they do not count.
     * What {@code relay.tracker.forget-after} is measured from.
     */
    @JsonIgnore
    public Instant lastEventAt() {
        return Stream.of(timeOf(requested), timeOf(applied), timeOf(replicated), timeOf(delivered),
                lastRejection == null ? null : lastRejection.at(), lastRepostAt, restartedAt)
                .filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
    }

    @JsonIgnore
    public ClientKey clientKey() {
        return new ClientKey(userId, clientId);
    }

    public ClientState withStuck(StuckMark mark) {
        return new ClientState(version, userId, clientId, requested, applied, replicated, delivered, lastRejection, reposts,
                lastRepostAt, counterRestarts, restartedAt, waitingSince, mark, latenciesRecorded);
    }

    private static Instant timeOf(StageMark mark) {
        return mark == null ? null : mark.at();
    }

    private static Set<Latency> enumSet(Collection<Latency> latencies) {
        EnumSet<Latency> set = EnumSet.noneOf(Latency.class);
        set.addAll(latencies);
        return Collections.unmodifiableSet(set);
    }
}

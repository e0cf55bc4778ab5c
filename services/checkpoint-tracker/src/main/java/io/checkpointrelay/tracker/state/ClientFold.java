package io.checkpointrelay.tracker.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.CheckpointStage;
import io.checkpointrelay.protocol.upload.ClientKey;

/**
 * Folds one lifecycle event into a client's state. A pure function: the same state and event
 * always give the same result, so a re-delivered event or a replay after a crash lands where the
 * first delivery did.
 *
 * <p>Events of one client share a partition but come from several emitters (upload-api,
 * write-applier, sync-bridge, each possibly several instances), so stages arrive out of order
 * (write-applier often reports {@code applied} before upload-api, which stamps {@code requested}
 * after Kafka's acknowledgement, does) and twice (emitters retry). The rules:
 * <ul>
 * <li><b>Requests are ordered by id.</b> A client allocates growing ids and upload-api records
 * only ids at least as great as the one it stores, so a greater {@code requested} id is the new
 * latest request (also when flagged {@code repost}: the tracker then missed the first post).</li>
 * <li><b>Equal id:</b> a {@code repost} counts as a re-post once, told apart from a duplicate
 * event by its time (a re-post is a new post, a duplicate carries the same {@code at}); the
 * request keeps its first time, so the wait is measured from the first post. A non-repost is a
 * duplicate and changes nothing.</li>
 * <li><b>Smaller id, not a repost, made after the latest request:</b> the client restarted its
 * counter. This is the only way a client moves backwards. A cleared client posts "1" again; while
 * upload-api still stores its greater id it answers that id and queues nothing (no
 * {@code requested} event: the client reseeds to the stored id + 1, an ordinary greater id
 * here). Only when upload-api no longer has the id (retention, a reset database) does it accept
 * and queue the small one, and the client really waits for it: the state then restarts at that
 * request, forgets the stage marks and the rejection of the earlier ids (they say nothing about
 * the new ones) and counts the restart.</li>
 * <li><b>Smaller id otherwise</b> (a {@code repost}, or made before the latest request): a late
 * event of an older request; ignored.</li>
 * <li><b>applied, replicated, delivered</b> keep the greatest id seen and the time it first
 * arrived; an equal or smaller id is a duplicate or a late event and changes nothing. A stage
 * reaching id n covers every request up to n (write-applier applies a client's batches in order;
 * {@code delivered} carries the write_checkpoint sent, which covers every smaller request).</li>
 * <li><b>rejected</b> records the rejection (reason, dead letter, id, time) when its id is greater
 * than the last rejection's; a rejected request moves on like an applied one.</li>
 * <li><b>Waiting:</b> the client waits from the first request not yet delivered; a further
 * request before delivery keeps that start (the client still has nothing confirmed), so a client
 * that keeps writing while replication is down stays stuck instead of recovering with each new
 * request. A counter restart starts a new wait.</li>
 * <li><b>A user switch on one client id</b> needs no rule: the key is (user, client), so the new
 * user's requests fold into a state of their own and the old user's state stays as it was.</li>
 * <li><b>A forgotten client</b> (no event for {@code relay.tracker.forget-after}) has no state
 * any more: its next event folds into an empty state like a new client's, so any id is its
 * first request and no rule above compares it with the forgotten ones.</li>
 * <li><b>Latencies</b> are measured for the latest request, each once: when both stages of a pair
 * have reached its id, the difference of their first-arrival times (never below zero: emitters'
 * clocks differ and {@code requested} is stamped after the acknowledgement). The measured pairs
 * are kept in the state, so duplicates and replays do not measure again.</li>
 * </ul>
 * Limits: the restart rule compares the emitters' clocks, so two posts of one client racing
 * through two upload-api instances within clock skew may read as a restart; the next post of the
 * client (re-posted every 10 s while it waits) puts the state right.
 */
public final class ClientFold {

    private ClientFold() {
    }

    /** A measured latency of the latest request. */
    public record LatencySample(Latency latency, Duration duration) {
    }

    /**
     * @param state      the state after the event
     * @param changed    whether it differs from the state before
     * @param latencies  latencies measured now for the first time
     * @param reposted   the event was a new re-post of the latest request
     * @param rejected   the event was a new rejection
     * @param restarted  the event restarted the client's counter
     */
    public record Result(ClientState state, boolean changed, List<LatencySample> latencies, boolean reposted, boolean rejected,
            boolean restarted) {
    }

    /**
     * @param before the state so far, null for a client not seen yet
     * @param client the event's key
     */
    public static Result fold(ClientState before, ClientKey client, CheckpointEvent event) {
        Draft draft = new Draft(before != null ? before : ClientState.empty(client));
        long id = event.requestId();
        Instant at = event.at();
        switch (event.stage()) {
            case REQUESTED -> draft.request(id, at, Boolean.TRUE.equals(event.repost()));
            case APPLIED -> draft.applied = advance(draft.applied, id, at);
            case REPLICATED -> draft.replicated = advance(draft.replicated, id, at);
            case DELIVERED -> draft.delivered = advance(draft.delivered, id, at);
            case REJECTED -> draft.reject(new Rejection(id, event.reason(), event.deadLetter(), at));
        }
        List<LatencySample> latencies = draft.measure();
        ClientState after = draft.toState();
        // The waiting start is set by the request; delivery (of this or a later id) ends the wait.
        if (!after.isWaiting() && after.waitingSince() != null) {
            draft.waitingSince = null;
            after = draft.toState();
        }
        return new Result(after, !after.equals(before), latencies, draft.reposted, draft.rejected, draft.restarted);
    }

    private static StageMark advance(StageMark mark, long id, Instant at) {
        return mark == null || id > mark.requestId() ? new StageMark(id, at) : mark;
    }

    /** The state being changed by one event. */
    private static final class Draft {
        private final int version;
        private final String userId;
        private final String clientId;
        private StageMark requested;
        private StageMark applied;
        private StageMark replicated;
        private StageMark delivered;
        private Rejection lastRejection;
        private long reposts;
        private Instant lastRepostAt;
        private long counterRestarts;
        private Instant restartedAt;
        private Instant waitingSince;
        private final StuckMark stuck;
        private final Set<Latency> latenciesRecorded;

        private boolean reposted;
        private boolean rejected;
        private boolean restarted;

        Draft(ClientState s) {
            version = ClientState.VERSION;
            userId = s.userId();
            clientId = s.clientId();
            requested = s.requested();
            applied = s.applied();
            replicated = s.replicated();
            delivered = s.delivered();
            lastRejection = s.lastRejection();
            reposts = s.reposts();
            lastRepostAt = s.lastRepostAt();
            counterRestarts = s.counterRestarts();
            restartedAt = s.restartedAt();
            waitingSince = s.waitingSince();
            stuck = s.stuck();
            latenciesRecorded = EnumSet.noneOf(Latency.class);
            latenciesRecorded.addAll(s.latenciesRecorded());
        }

        void request(long id, Instant at, boolean repost) {
            if (requested == null || id > requested.requestId()) {
                boolean wasWaiting = requested != null && toState().isWaiting() && waitingSince != null;
                requested = new StageMark(id, at);
                reposts = 0;
                lastRepostAt = null;
                latenciesRecorded.clear();
                if (!wasWaiting) {
                    waitingSince = at;
                }
            } else if (id == requested.requestId()) {
                if (repost && (lastRepostAt == null || at.isAfter(lastRepostAt))) {
                    reposts++;
                    lastRepostAt = at;
                    reposted = true;
                }
            } else if (!repost && at.isAfter(requested.at())) {
                restart(id, at);
            }
        }

        private void restart(long id, Instant at) {
            requested = new StageMark(id, at);
            applied = null;
            replicated = null;
            delivered = null;
            lastRejection = null;
            reposts = 0;
            lastRepostAt = null;
            latenciesRecorded.clear();
            counterRestarts++;
            restartedAt = at;
            waitingSince = at;
            restarted = true;
        }

        void reject(Rejection rejection) {
            if (lastRejection == null || rejection.requestId() > lastRejection.requestId()) {
                lastRejection = rejection;
                rejected = true;
            }
        }

        List<LatencySample> measure() {
            if (requested == null) {
                return List.of();
            }
            List<LatencySample> samples = new ArrayList<>();
            for (Latency latency : Latency.values()) {
                if (latenciesRecorded.contains(latency)) {
                    continue;
                }
                StageMark from = mark(latency.from());
                StageMark to = mark(latency.to());
                if (StageMark.covers(from, requested.requestId()) && StageMark.covers(to, requested.requestId())) {
                    Duration duration = Duration.between(from.at(), to.at());
                    samples.add(new LatencySample(latency, duration.isNegative() ? Duration.ZERO : duration));
                    latenciesRecorded.add(latency);
                }
            }
            return samples;
        }

        private StageMark mark(CheckpointStage stage) {
            return switch (stage) {
                case REQUESTED -> requested;
                case APPLIED -> applied;
                case REPLICATED -> replicated;
                case DELIVERED -> delivered;
                case REJECTED -> lastRejection == null ? null : lastRejection.mark();
            };
        }

        ClientState toState() {
            return new ClientState(version, userId, clientId, requested, applied, replicated, delivered, lastRejection, reposts,
                    lastRepostAt, counterRestarts, restartedAt, waitingSince, stuck, latenciesRecorded);
        }
    }
}

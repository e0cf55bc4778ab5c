package io.checkpointrelay.tracker.state;

import java.time.Duration;
import java.time.Instant;

import io.checkpointrelay.protocol.lifecycle.ClientAlert;
import io.checkpointrelay.protocol.lifecycle.WaitingStage;

/**
 * When a client is stuck and when it recovers. Stuck: it has waited for its latest request at
 * least {@code stuckAfter} (measured from {@link ClientState#waitingSince()}, by the tracker's
 * wall clock). One {@code stuck} alert per wait, naming the stage the request waits in then; the
 * state keeps the mark, so neither later checks nor a restarted tracker repeat it. Recovered: the
 * wait the alert was about has ended, because the latest request (or a later one) was delivered,
 * or the client restarted its counter and so started a new wait.
 */
public final class StuckRule {

    private final Duration stuckAfter;
    private final String instance;

    /**
     * @param instance names this tracker instance in the alerts
     */
    public StuckRule(Duration stuckAfter, String instance) {
        this.stuckAfter = stuckAfter;
        this.instance = instance;
    }

    /** A verdict: the state to keep and the alert to send, or the state unchanged and no alert. */
    public record Verdict(ClientState state, ClientAlert alert) {
    }

    /** Whether {@code state} has waited long enough to be stuck, and is not marked yet. */
    public Verdict check(ClientState state, Instant now) {
        WaitingStage waitingIn = state.waitingIn();
        if (state.stuck() != null || waitingIn == null || state.waitingSince() == null
                || Duration.between(state.waitingSince(), now).compareTo(stuckAfter) < 0) {
            return new Verdict(state, null);
        }
        long requestId = state.requested().requestId();
        ClientAlert alert = new ClientAlert(ClientAlert.VERSION, ClientAlert.Type.STUCK, state.userId(), state.clientId(),
                requestId, state.waitingSince(), waitingIn, now, instance);
        return new Verdict(state.withStuck(new StuckMark(requestId, waitingIn, state.waitingSince(), now)), alert);
    }

    /** Whether the wait a stuck mark was set for has ended; then the mark goes and a recovered alert says so. */
    public Verdict recovery(ClientState state, Instant now) {
        StuckMark stuck = state.stuck();
        if (stuck == null || (state.isWaiting() && stuck.since().equals(state.waitingSince()))) {
            return new Verdict(state, null);
        }
        ClientAlert alert = new ClientAlert(ClientAlert.VERSION, ClientAlert.Type.RECOVERED, state.userId(), state.clientId(),
                state.requested().requestId(), stuck.since(), null, now, instance);
        return new Verdict(state.withStuck(null), alert);
    }
}

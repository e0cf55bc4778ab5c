package io.checkpointrelay.bridge.replication;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while storage holds a stored position and changes are being replicated into it, by this
 * bridge or, on a standby, by the one holding the slot: i.e. while streams are served (storage
 * reachability has its own datasource check).
 */
@Readiness
@ApplicationScoped
public class ReplicationHealthCheck implements HealthCheck {

    private final ReplicationStatus status;
    private final SlotLag slotLag;

    public ReplicationHealthCheck(ReplicationStatus status, SlotLag slotLag) {
        this.status = status;
        this.slotLag = slotLag;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("replication")
                .status(serving(status.state()) && status.storageReady())
                .withData("state", status.state().name())
                .withData("storage_ready", status.storageReady())
                .withData("detail", status.detail());
        // WAL the source keeps for the slot (absent until measured, or when the slot is missing).
        slotLag.bytes().ifPresent(bytes -> response.withData("slot_lag_bytes", bytes));
        return response.build();
    }

    private static boolean serving(ReplicationStatus.State state) {
        return state == ReplicationStatus.State.REPLICATING || state == ReplicationStatus.State.STANDBY;
    }
}

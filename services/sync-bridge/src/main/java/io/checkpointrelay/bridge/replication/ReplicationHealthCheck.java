package io.checkpointrelay.bridge.replication;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while streams can be served: storage holds a stored position and changes reach it, from
 * this bridge replicating or from another one while this one stands by (storage reachability has
 * its own datasource check).
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
                .status(status.servesStreams())
                .withData("state", status.state().name())
                .withData("storage_ready", status.storageReady())
                .withData("detail", status.detail());
        // WAL the source keeps for the slot (absent until measured, or when the slot is missing).
        slotLag.bytes().ifPresent(bytes -> response.withData("slot_lag_bytes", bytes));
        return response.build();
    }
}

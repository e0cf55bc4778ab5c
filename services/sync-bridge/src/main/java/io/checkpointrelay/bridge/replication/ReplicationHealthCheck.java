package io.checkpointrelay.bridge.replication;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while changes are being replicated into storage that holds a stored position, i.e. while
 * streams are served (storage reachability has its own datasource check).
 */
@Readiness
@ApplicationScoped
public class ReplicationHealthCheck implements HealthCheck {

    private final ReplicationStatus status;

    public ReplicationHealthCheck(ReplicationStatus status) {
        this.status = status;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("replication")
                .status(status.state() == ReplicationStatus.State.REPLICATING && status.storageReady())
                .withData("state", status.state().name())
                .withData("storage_ready", status.storageReady())
                .withData("detail", status.detail())
                .build();
    }
}

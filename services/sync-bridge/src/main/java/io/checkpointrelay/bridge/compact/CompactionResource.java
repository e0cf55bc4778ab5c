package io.checkpointrelay.bridge.compact;

import java.sql.SQLException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.http.ErrorBody;
import io.quarkus.security.ForbiddenException;

/**
 * {@code POST /admin/compact}: compacts bucket storage now and answers what it did. Needs a token
 * whose {@code groups} claim holds {@value #ADMIN_ROLE}.
 */
@Path("/admin")
public class CompactionResource {

    static final String ADMIN_ROLE = "relay-admin";

    private static final Logger LOG = Logger.getLogger(CompactionResource.class);

    private final Compactions compactions;
    private final ReplicationStatus replication;

    public CompactionResource(Compactions compactions, ReplicationStatus replication) {
        this.compactions = compactions;
        this.replication = replication;
    }

    @POST
    @Path("/compact")
    @RolesAllowed(ADMIN_ROLE)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Compact bucket storage now (MOVE superseded ops, CLEAR the start of buckets)")
    public CompactionResult compact() {
        if (!replication.storageReady()) {
            throw error(Response.Status.SERVICE_UNAVAILABLE, "Sync storage does not hold its initial snapshot yet; try again shortly");
        }
        try {
            return compactions.run().orElseThrow(() -> error(Response.Status.CONFLICT,
                    "A compaction is already running (in this or another bridge); try again when it has finished"));
        } catch (SQLException e) {
            LOG.warnf(e, "Compaction failed: %s", e.getMessage());
            throw error(Response.Status.SERVICE_UNAVAILABLE, "Compaction failed: " + e.getMessage());
        }
    }

    /** A valid token without the admin role. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ErrorBody.response(Response.Status.FORBIDDEN, "FORBIDDEN", "This needs a token with the group '" + ADMIN_ROLE + "'");
    }

    private static WebApplicationException error(Response.Status status, String message) {
        return new WebApplicationException(message, ErrorBody.response(status, status.name(), message));
    }
}

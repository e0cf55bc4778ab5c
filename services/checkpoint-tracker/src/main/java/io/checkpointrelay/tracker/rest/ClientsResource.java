package io.checkpointrelay.tracker.rest;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.checkpointrelay.http.ErrorBody;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.tracker.config.RelayConfig;
import io.checkpointrelay.tracker.query.ClientQueries;
import io.checkpointrelay.tracker.query.StoreNotReadyException;
import io.checkpointrelay.tracker.query.StuckClient;
import io.checkpointrelay.tracker.state.ClientState;
import io.quarkus.security.ForbiddenException;

/**
 * Where clients wait, for operators: needs a token whose {@code groups} claim holds
 * {@value #OPERATOR_ROLE}. Any tracker instance answers for any client ({@link ClientQueries}).
 */
@Path("/clients")
@RolesAllowed(ClientsResource.OPERATOR_ROLE)
@Produces(MediaType.APPLICATION_JSON)
public class ClientsResource {

    public static final String OPERATOR_ROLE = "relay-operator";

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    private final ClientQueries queries;
    private final Duration stuckAfter;

    public ClientsResource(ClientQueries queries, RelayConfig config) {
        this.queries = queries;
        this.stuckAfter = config.tracker().stuckAfter();
    }

    @GET
    @Path("/stuck")
    @Operation(summary = "Clients waiting for their latest checkpoint request at least older_than (default relay.tracker.stuck-after), longest first")
    public List<StuckClient> stuck(@QueryParam("older_than") String olderThan, @QueryParam("limit") String limit) {
        return queries.stuck(olderThan(olderThan), limit(limit), Instant.now());
    }

    @GET
    @Path("/{user_id}/{client_id}")
    @Operation(summary = "The tracker's state of one client: latest request, its stages, re-posts, last rejection, wait")
    public ClientState client(@PathParam("user_id") String userId, @PathParam("client_id") String clientId) {
        return queries.client(new ClientKey(userId, clientId)).orElseThrow(() -> error(Response.Status.NOT_FOUND, "NOT_FOUND",
                "No checkpoint request events seen for user '" + userId + "', client '" + clientId + "'"));
    }

    private Duration olderThan(String text) {
        if (text == null || text.isBlank()) {
            return stuckAfter;
        }
        try {
            Duration duration = Duration.parse(text);
            if (duration.isNegative()) {
                throw badRequest("older_than must not be negative, got " + text);
            }
            return duration;
        } catch (DateTimeParseException e) {
            throw badRequest("older_than must be an ISO-8601 duration such as PT10S, got '" + text + "'");
        }
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw badRequest("limit must be an integer from 1 to " + MAX_LIMIT + ", got '" + text + "'");
    }

    /** A valid token without the operator role. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ErrorBody.response(Response.Status.FORBIDDEN, "FORBIDDEN", "This needs a token with the group '" + OPERATOR_ROLE + "'");
    }

    @ServerExceptionMapper
    public Response notReady(StoreNotReadyException e) {
        return ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE, "NOT_READY", e.getMessage());
    }

    private static WebApplicationException badRequest(String message) {
        return error(Response.Status.BAD_REQUEST, "BAD_REQUEST", message);
    }

    private static WebApplicationException error(Response.Status status, String code, String message) {
        return new WebApplicationException(message, ErrorBody.response(status, code, message));
    }
}

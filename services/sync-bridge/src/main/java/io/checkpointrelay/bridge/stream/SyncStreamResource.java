package io.checkpointrelay.bridge.stream;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestMulti;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.config.RelayConfig;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.rules.RequestBuckets;
import io.checkpointrelay.bridge.rules.RequestContext;
import io.checkpointrelay.bridge.rules.SyncRules;
import io.checkpointrelay.http.ErrorBody;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;

/**
 * {@code POST /sync/stream}: the PowerSync sync stream as NDJSON. A full checkpoint first, then a
 * diff for every newer checkpoint that changes something for this client, each followed by the
 * missing ops and {@code checkpoint_complete}; keep-alives with the token's remaining lifetime in
 * between; the stream ends when the token expires or the client goes away.
 */
@Path("/sync")
public class SyncStreamResource {

    static final String NDJSON = "application/x-ndjson";

    private final SyncRules rules;
    private final BucketReader reader;
    private final SyncStreams streams;
    private final ReplicationStatus replication;
    private final RelayConfig.Stream config;
    private final JsonWebToken token;
    private final ObjectMapper mapper;

    public SyncStreamResource(SyncRules rules, BucketReader reader, SyncStreams streams, ReplicationStatus replication,
            RelayConfig config, JsonWebToken token, ObjectMapper mapper) {
        this.rules = rules;
        this.reader = reader;
        this.streams = streams;
        this.replication = replication;
        this.config = config.stream();
        this.token = token;
        this.mapper = mapper;
    }

    @POST
    @Path("/stream")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(NDJSON)
    @Operation(summary = "Sync stream (PowerSync protocol, NDJSON)")
    public Multi<Buffer> stream(StreamRequest body) {
        StreamRequest request = body == null ? new StreamRequest(null, null, null) : body;
        requireStorageReady(replication);
        String userId = token.getSubject();
        RequestContext context = new RequestContext(userId, TokenClaims.of(token, mapper), request.parameters());
        RequestBuckets buckets = rules.requestBuckets(context);
        SyncSession session = new SyncSession(reader, Infrastructure.getDefaultWorkerPool(), userId, request.clientId(), buckets,
                positions(request), new SyncSession.Limits(config.maxOpsPerLine(), config.maxLineChars()));

        Multi<byte[]> lines = streams.lines(session, Instant.ofEpochSecond(token.getExpirationTime()), userId);
        // Lines are already JSON: written as bytes, each followed by a newline (NDJSON framing).
        return RestMulti.fromMultiData(lines.map(line -> Buffer.buffer(line)))
                .header("X-Accel-Buffering", "no")
                .header("Cache-Control", "no-cache")
                .build();
    }

    /**
     * Until storage holds its initial snapshot a checkpoint would be empty (op id 0) and make the
     * client delete its local data: answer 503 so it retries instead.
     */
    public static void requireStorageReady(ReplicationStatus replication) {
        if (!replication.storageReady()) {
            String message = "Sync storage does not hold its initial snapshot yet; try again shortly";
            throw new WebApplicationException(message,
                    ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE, "NOT_READY", message));
        }
    }

    private static Map<String, Long> positions(StreamRequest request) {
        Map<String, Long> positions = new HashMap<>();
        if (request.buckets() == null) {
            return positions;
        }
        for (StreamRequest.BucketPosition bucket : request.buckets()) {
            if (bucket == null || bucket.name() == null) {
                throw badRequest("every entry of 'buckets' needs a 'name'");
            }
            String after = bucket.after() == null ? "0" : bucket.after();
            try {
                positions.put(bucket.name(), Long.parseLong(after));
            } catch (NumberFormatException e) {
                throw badRequest("bucket '" + bucket.name() + "': 'after' must be a decimal op id, not '" + after + "'");
            }
        }
        return positions;
    }

    private static WebApplicationException badRequest(String message) {
        return new WebApplicationException(message, ErrorBody.badRequest(message));
    }
}

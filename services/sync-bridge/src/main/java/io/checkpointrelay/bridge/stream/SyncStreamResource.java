package io.checkpointrelay.bridge.stream;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestMulti;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.config.RelayConfig;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.rules.RequestBuckets;
import io.checkpointrelay.bridge.rules.RequestContext;
import io.checkpointrelay.bridge.rules.SyncRules;
import io.checkpointrelay.events.LifecycleEvents;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.http.ErrorBody;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@code POST /sync/stream}: the PowerSync sync stream. A full checkpoint first, then a diff for
 * every newer checkpoint that changes something for this client, each followed by the missing ops
 * and {@code checkpoint_complete}; keep-alives with the token's remaining lifetime in between; the
 * stream ends when the token expires or the client goes away.
 * <p>
 * The framing follows the q-values of the request's {@code Accept} header: BSON documents or
 * NDJSON, NDJSON when the client does not say ({@link StreamFormat}). Streams are compressed when
 * the client accepts gzip or deflate, each line flushed through the compressor, so keep-alives and
 * checkpoints arrive at once. Errors are JSON whatever the framing.
 */
@Path("/sync")
public class SyncStreamResource {

    private final SyncRules rules;
    private final BucketReader reader;
    private final SyncStreams streams;
    private final ReplicationStatus replication;
    private final RelayConfig.Stream config;
    private final JsonWebToken token;
    private final ObjectMapper mapper;
    private final LifecycleEvents events;

    public SyncStreamResource(SyncRules rules, BucketReader reader, SyncStreams streams, ReplicationStatus replication,
            RelayConfig config, JsonWebToken token, ObjectMapper mapper, LifecycleEvents events) {
        this.rules = rules;
        this.reader = reader;
        this.streams = streams;
        this.replication = replication;
        this.config = config.stream();
        this.token = token;
        this.mapper = mapper;
        this.events = events;
    }

    // No @Produces: the framing is negotiated here. With one method per media type the framework
    // would negotiate, but it breaks ties (Accept: */*) by its own method order rather than towards
    // NDJSON, and a streamed Multi never reaches its @Compressed handling.
    @POST
    @Path("/stream")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sync stream (PowerSync protocol): NDJSON, or BSON documents when the client prefers them")
    @APIResponse(responseCode = "200", description = "The stream of sync lines", content = {
            @Content(mediaType = StreamFormat.NDJSON_TYPE), @Content(mediaType = StreamFormat.BSON_TYPE) })
    public Multi<Buffer> stream(StreamRequest body, @Context HttpHeaders headers, @Context HttpServerResponse response) {
        StreamFormat format = StreamFormat.negotiate(headers.getAcceptableMediaTypes()).orElseThrow(SyncStreamResource::notAcceptable);
        StreamRequest request = body == null ? new StreamRequest(null, null, null) : body;
        requireStorageReady(replication);
        String userId = token.getSubject();
        RequestContext context = new RequestContext(userId, TokenClaims.of(token, mapper), request.parameters());
        RequestBuckets buckets = rules.requestBuckets(context);
        // Without a client id there is no (user, client) to tell checkpoint-tracker about.
        LongConsumer delivered = request.clientId() == null ? writeCheckpoint -> { }
                : writeCheckpoint -> events.delivered(new ClientKey(userId, request.clientId()), writeCheckpoint);
        SyncSession session = new SyncSession(reader, Infrastructure.getDefaultWorkerPool(), userId, request.clientId(), buckets,
                positions(request), new SyncSession.Limits(config.maxOpsPerLine(), config.maxLineChars()), format.lines(),
                delivered);

        Multi<byte[]> lines = streams.lines(session, format.lines(), Instant.ofEpochSecond(token.getExpirationTime()), userId);
        if (config.compress()) {
            allowCompression(response);
        }
        // Each line is complete with its framing (a BSON document, or JSON and a newline): written as it is.
        return RestMulti.fromMultiData(lines.map(line -> Buffer.buffer(line)))
                .header(HttpHeaders.CONTENT_TYPE, format.mediaType())
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

    /**
     * With compression enabled, Quarkus marks every response {@code Content-Encoding: identity}
     * (uncompressed) and lifts that only for chosen media types or @Compressed methods, a step a
     * streamed response never reaches. Lifting it here lets the server compress the stream in the
     * encoding the client accepts (gzip, deflate), or not at all when it accepts none. The
     * compressor flushes every write, so each line still reaches the client at once.
     */
    private static void allowCompression(HttpServerResponse response) {
        if (HttpHeaderValues.IDENTITY.contentEqualsIgnoreCase(response.headers().get(HttpHeaderNames.CONTENT_ENCODING))) {
            response.headers().remove(HttpHeaderNames.CONTENT_ENCODING);
        }
    }

    private static WebApplicationException notAcceptable() {
        String message = "The sync stream is sent as " + StreamFormat.NDJSON_TYPE + " or " + StreamFormat.BSON_TYPE;
        return new WebApplicationException(message, ErrorBody.response(Response.Status.NOT_ACCEPTABLE, "NOT_ACCEPTABLE", message));
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

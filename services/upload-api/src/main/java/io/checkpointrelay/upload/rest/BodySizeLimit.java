package io.checkpointrelay.upload.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.checkpointrelay.http.ErrorBody;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a body announced larger than {@code quarkus.http.limits.max-body-size} with a JSON
 * 413 before reading it. Quarkus enforces the same limit one step later, but answers with an
 * empty body, which tells a client developer nothing. It still answers a body sent without
 * Content-Length (chunked), whose size is known only while it is read: a 413 without body on
 * HTTP/1.1, a closed connection on HTTP/2.
 */
@ApplicationScoped
public class BodySizeLimit {

    /** Ahead of Quarkus's own limit check, which runs at order -2. */
    private static final int ORDER = -3;

    private final long maxBytes;
    private final String errorJson;

    public BodySizeLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
            ObjectMapper json) throws JsonProcessingException {
        this.maxBytes = maxBodySize.asLongValue();
        this.errorJson = json.writeValueAsString(ErrorBody.of(Response.Status.REQUEST_ENTITY_TOO_LARGE.name(),
                "The body is larger than the " + maxBytes + " bytes this service accepts: upload in smaller batches"));
    }

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(this::check);
    }

    private void check(RoutingContext context) {
        if (contentLength(context.request().getHeader(HttpHeaders.CONTENT_LENGTH)) > maxBytes) {
            HttpServerResponse response = context.response()
                    .setStatusCode(Response.Status.REQUEST_ENTITY_TOO_LARGE.getStatusCode())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
            // HTTP/2 forbids connection headers (clients refuse the whole response) and needs none,
            // each request being its own stream; on HTTP/1.1 the unread body must not be taken
            // for the next request on this connection.
            if (context.request().version() != HttpVersion.HTTP_2) {
                response.putHeader(HttpHeaders.CONNECTION, "close");
            }
            response.end(errorJson);
            return;
        }
        context.next();
    }

    /** The announced length, or -1 when absent or not a number (Quarkus then deals with the body). */
    private static long contentLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

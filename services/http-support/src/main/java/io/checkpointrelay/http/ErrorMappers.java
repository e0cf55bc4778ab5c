package io.checkpointrelay.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;

/** Turns the failures every HTTP service shares into {@link ErrorBody} answers. */
public class ErrorMappers {

    @ServerExceptionMapper({ AuthenticationFailedException.class, UnauthorizedException.class })
    public Response unauthorized(RuntimeException e) {
        String message = e instanceof AuthenticationFailedException
                ? "The token is invalid, expired or not meant for this service"
                : "Authorization: Token <jwt> is required";
        return Response.fromResponse(ErrorBody.response(Response.Status.UNAUTHORIZED, "UNAUTHORIZED", message))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Token").build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return ErrorBody.badRequest("The body is not valid JSON for this endpoint: " + e.getOriginalMessage());
    }

    /**
     * Keeps the status of framework errors (404, 405, 415...) but gives them our body; errors that
     * already carry our body (with a specific code such as {@code NOT_READY}) pass unchanged.
     */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response original = e.getResponse();
        if (original.getEntity() instanceof ErrorBody) {
            return original;
        }
        // The JSON body readers report unparsable bodies as a bare 400 wrapping Jackson's exception.
        if (original.getStatus() == Response.Status.BAD_REQUEST.getStatusCode()
                && e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json);
        }
        Response.Status status = Response.Status.fromStatusCode(original.getStatus());
        String code = status == null ? "HTTP_" + original.getStatus() : status.name();
        return Response.fromResponse(ErrorBody.response(
                status == null ? Response.Status.INTERNAL_SERVER_ERROR : status, code, e.getMessage())).build();
    }
}

package io.checkpointrelay.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The one shape of every error the services answer:
 * {@code {"error":{"code":"BAD_REQUEST","message":"entry 2: unknown column 'x'"}}}.
 */
public record ErrorBody(Error error) {

    public record Error(String code, String message) {
    }

    public static ErrorBody of(String code, String message) {
        return new ErrorBody(new Error(code, message));
    }

    /** A response with this body and the given status. */
    public static Response response(Response.Status status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(of(code, message)).build();
    }

    public static Response badRequest(String message) {
        return response(Response.Status.BAD_REQUEST, "BAD_REQUEST", message);
    }
}

package io.checkpointrelay.http.testing;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;

/** Test-only endpoint behind the token checks: answers the caller's user id. */
@Path("/test/subject")
public class SubjectResource {

    private final JsonWebToken token;

    SubjectResource(JsonWebToken token) {
        this.token = token;
    }

    @GET
    @Authenticated
    @Produces(MediaType.TEXT_PLAIN)
    public String subject() {
        return token.getSubject();
    }
}

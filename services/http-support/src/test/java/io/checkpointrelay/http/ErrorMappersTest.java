package io.checkpointrelay.http;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

/** Every error answer has our body, and a specific code chosen by a service survives the mapping. */
class ErrorMappersTest {

    private final ErrorMappers mappers = new ErrorMappers();

    @Test
    void keepsTheCodeOfAnErrorThatAlreadyHasOurBody() {
        Response answer = mappers.webApplication(new WebApplicationException("not yet",
                ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE, "NOT_READY", "not yet")));

        assertThat(answer.getStatus()).isEqualTo(503);
        assertThat(answer.getEntity()).isEqualTo(ErrorBody.of("NOT_READY", "not yet"));
    }

    @Test
    void givesFrameworkErrorsOurBodyWithTheStatusName() {
        Response answer = mappers.webApplication(new NotFoundException("HTTP 404 Not Found"));

        assertThat(answer.getStatus()).isEqualTo(404);
        assertThat(answer.getEntity()).isEqualTo(ErrorBody.of("NOT_FOUND", "HTTP 404 Not Found"));
    }
}

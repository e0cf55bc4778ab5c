package io.checkpointrelay.bridge.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * What parameter queries may read about a stream request: the user id (JWT {@code sub}), all JWT
 * claims and the client's {@code parameters}.
 */
public record RequestContext(String userId, JsonNode jwtClaims, JsonNode clientParameters) {

    public RequestContext {
        jwtClaims = jwtClaims == null ? MissingNode.getInstance() : jwtClaims;
        clientParameters = clientParameters == null ? MissingNode.getInstance() : clientParameters;
    }

    public static RequestContext ofUser(String userId) {
        return new RequestContext(userId, null, null);
    }
}

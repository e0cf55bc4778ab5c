package io.checkpointrelay.bridge.rules;

import com.fasterxml.jackson.databind.JsonNode;

/** A value a parameter query reads from the request. */
public sealed interface RequestValue {

    /** The value for this request: null, a {@link String} or a {@link JsonNumber}. */
    Object valueIn(RequestContext request);

    /** {@code request.user_id()}: the token's subject. */
    record UserId() implements RequestValue {
        @Override
        public Object valueIn(RequestContext request) {
            return request.userId();
        }
    }

    /** {@code request.jwt() ->> 'claim'}: a claim as text, like PostgreSQL's {@code ->>}. */
    record JwtClaim(String claim) implements RequestValue {
        @Override
        public Object valueIn(RequestContext request) {
            return asText(request.jwtClaims().get(claim));
        }
    }

    /** {@code request.parameters() ->> 'name'}: a client parameter as text. */
    record ClientParameter(String name) implements RequestValue {
        @Override
        public Object valueIn(RequestContext request) {
            return asText(request.clientParameters().get(name));
        }
    }

    /** {@code ->>} semantics: strings unquoted, other JSON as its text, null for null or missing. */
    private static String asText(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isTextual() ? node.textValue() : node.toString();
    }
}

package io.checkpointrelay.bridge.rules;

import com.fasterxml.jackson.databind.JsonNode;

/** A value a parameter query reads from the request. */
public sealed interface RequestValue {

    /** The value for this request: null, a {@link String} or a {@link JsonNumber}. */
    Object valueIn(RequestContext request);

    /** {@code request.user_id()} (or {@code token_parameters.user_id}): the token's subject. */
    record UserId() implements RequestValue {
        @Override
        public Object valueIn(RequestContext request) {
            return request.userId();
        }
    }

    /** {@code request.jwt() ->> 'claim'}: a claim of the token. */
    record JwtClaim(String claim) implements RequestValue {
        @Override
        public Object valueIn(RequestContext request) {
            return sqlValue(request.jwtClaims().get(claim));
        }
    }

    /** {@code token_parameters.name}: a member of the token's {@code parameters} claim. */
    record TokenParameter(String name) implements RequestValue {
        @Override
        public Object valueIn(RequestContext request) {
            JsonNode parameters = request.jwtClaims().get("parameters");
            return parameters == null ? null : sqlValue(parameters.get(name));
        }
    }

    /** {@code request.parameters() ->> 'name'} (or {@code user_parameters.name}): a client parameter. */
    record ClientParameter(String name) implements RequestValue {
        @Override
        public Object valueIn(RequestContext request) {
            return sqlValue(request.clientParameters().get(name));
        }
    }

    /**
     * {@code ->>} as PowerSync's SQLite evaluates it: strings as text, numbers as numbers,
     * booleans as 1/0 (as source rows carry them), other JSON as its text; null for null or missing.
     * So a numeric claim matches a numeric column, and names the same bucket as the row does.
     */
    private static Object sqlValue(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return new JsonNumber(node.toString());
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? JsonNumber.ONE : JsonNumber.ZERO;
        }
        return node.toString();
    }
}

package io.checkpointrelay.bridge.stream;

import java.io.IOException;
import java.util.Base64;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** All claims of an already verified token as JSON, for {@code request.jwt() ->> 'claim'}. */
final class TokenClaims {

    private TokenClaims() {
    }

    static JsonNode of(JsonWebToken token, ObjectMapper mapper) {
        String raw = token.getRawToken();
        if (raw == null) {
            return MissingNode.getInstance();
        }
        String[] parts = raw.split("\\.");
        if (parts.length < 2) {
            return MissingNode.getInstance();
        }
        try {
            return mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            return MissingNode.getInstance();
        }
    }
}

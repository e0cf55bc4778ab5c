package io.checkpointrelay.upload.rest;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Bodies must be one JSON value and nothing after it. Jackson otherwise reads the first value
 * and ignores the rest, so {@code {...} garbage} (a client bug, or two bodies run together)
 * would be queued as if it were fine.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}

package io.checkpointrelay.bridge.stream;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import io.checkpointrelay.bridge.rules.JsonValues;

/** A line as compact JSON followed by a newline (NDJSON), written straight to UTF-8 bytes. */
final class JsonLineWriter implements LineWriter {

    private final ByteArrayBuilder out;
    private final JsonGenerator json;

    JsonLineWriter(int sizeHint) {
        out = new ByteArrayBuilder(sizeHint);
        try {
            json = JsonValues.factory().createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Write {
        void run() throws IOException;
    }

    /* The generator writes to memory: an IOException would be a bug. */
    private static void write(Write write) {
        try {
            write.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void startObject() {
        write(json::writeStartObject);
    }

    @Override
    public void startObject(String name) {
        write(() -> json.writeObjectFieldStart(name));
    }

    @Override
    public void endObject() {
        write(json::writeEndObject);
    }

    @Override
    public void startArray(String name) {
        write(() -> json.writeArrayFieldStart(name));
    }

    @Override
    public void endArray() {
        write(json::writeEndArray);
    }

    @Override
    public void string(String name, String value) {
        write(() -> json.writeStringField(name, value));
    }

    @Override
    public void string(String value) {
        write(() -> json.writeString(value));
    }

    @Override
    public void int32(String name, int value) {
        write(() -> json.writeNumberField(name, value));
    }

    @Override
    public void int64(String name, long value) {
        write(() -> json.writeNumberField(name, value));
    }

    @Override
    public void bool(String name, boolean value) {
        write(() -> json.writeBooleanField(name, value));
    }

    @Override
    public void nullValue(String name) {
        write(() -> json.writeNullField(name));
    }

    @Override
    public byte[] toLine() {
        write(json::close);
        out.append('\n');
        return out.toByteArray();
    }
}

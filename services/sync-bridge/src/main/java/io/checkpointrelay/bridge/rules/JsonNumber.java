package io.checkpointrelay.bridge.rules;

/**
 * A column value written into JSON as a number, kept as its exact text (for example {@code 42},
 * {@code 1.5}, {@code 1e+100}) so nothing is lost or reformatted between the source and the wire.
 */
public record JsonNumber(String text) {

    public static final JsonNumber ONE = new JsonNumber("1");
    public static final JsonNumber ZERO = new JsonNumber("0");

    @Override
    public String toString() {
        return text;
    }
}

package io.checkpointrelay.bridge.stream;

/**
 * Writes one sync line, as a JSON object or a BSON document: {@link SyncLines} writes each line
 * once for both framings. Fields are named inside objects and unnamed inside arrays.
 */
interface LineWriter {

    /** The line itself, or an object inside an array. */
    void startObject();

    void startObject(String name);

    void endObject();

    void startArray(String name);

    void endArray();

    /** A string field; null writes a null. */
    void string(String name, String value);

    /** A string inside an array. */
    void string(String value);

    /** A number the stock client reads as 32 bits (BSON int32). */
    void int32(String name, int value);

    /** A number beyond 32 bits signed, e.g. an unsigned checksum (BSON int64). */
    void int64(String name, long value);

    void bool(String name, boolean value);

    void nullValue(String name);

    /** The complete line with its framing, once the line's object is closed. */
    byte[] toLine();
}

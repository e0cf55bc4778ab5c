package io.checkpointrelay.bridge.stream;

import org.bson.BsonBinaryWriter;
import org.bson.io.BasicOutputBuffer;

/**
 * A line as one BSON document (it starts with its int32 length; documents need no separator),
 * written with the MongoDB BSON library's binary writer.
 */
final class BsonLineWriter implements LineWriter {

    private final BasicOutputBuffer out;
    private final BsonBinaryWriter bson;

    BsonLineWriter(int sizeHint) {
        out = new BasicOutputBuffer(sizeHint);
        bson = new BsonBinaryWriter(out);
    }

    @Override
    public void startObject() {
        bson.writeStartDocument();
    }

    @Override
    public void startObject(String name) {
        bson.writeStartDocument(name);
    }

    @Override
    public void endObject() {
        bson.writeEndDocument();
    }

    @Override
    public void startArray(String name) {
        bson.writeStartArray(name);
    }

    @Override
    public void endArray() {
        bson.writeEndArray();
    }

    @Override
    public void string(String name, String value) {
        if (value == null) {
            bson.writeNull(name);
        } else {
            bson.writeString(name, value);
        }
    }

    @Override
    public void string(String value) {
        bson.writeString(value);
    }

    @Override
    public void int32(String name, int value) {
        bson.writeInt32(name, value);
    }

    @Override
    public void int64(String name, long value) {
        bson.writeInt64(name, value);
    }

    @Override
    public void bool(String name, boolean value) {
        bson.writeBoolean(name, value);
    }

    @Override
    public void nullValue(String name) {
        bson.writeNull(name);
    }

    @Override
    public byte[] toLine() {
        bson.close();
        return out.toByteArray();
    }
}

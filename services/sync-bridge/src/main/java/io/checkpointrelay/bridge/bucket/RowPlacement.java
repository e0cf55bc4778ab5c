package io.checkpointrelay.bridge.bucket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.checkpointrelay.bridge.rules.JsonValues;

/** Where a source row is: one (bucket, object type, object id). Stored as JSON in {@code current_rows}. */
public record RowPlacement(String bucket, String objectType, String objectId) {

    /** {@code [["bucket","type","id"], ...]}. */
    static String toJson(List<RowPlacement> placements) {
        StringBuilder out = new StringBuilder(2 + placements.size() * 96).append('[');
        for (int i = 0; i < placements.size(); i++) {
            RowPlacement placement = placements.get(i);
            out.append(i == 0 ? "[" : ",[");
            JsonValues.appendString(out, placement.bucket).append(',');
            JsonValues.appendString(out, placement.objectType).append(',');
            JsonValues.appendString(out, placement.objectId).append(']');
        }
        return out.append(']').toString();
    }

    static List<RowPlacement> fromJson(String text) {
        List<RowPlacement> placements = new ArrayList<>();
        try (JsonParser parser = JsonValues.factory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("Stored placements are not a JSON array: " + text);
            }
            while (parser.nextToken() == JsonToken.START_ARRAY) {
                String bucket = parser.nextTextValue();
                String type = parser.nextTextValue();
                String id = parser.nextTextValue();
                if (parser.nextToken() != JsonToken.END_ARRAY) {
                    throw new IllegalArgumentException("Stored placement is not [bucket, type, id]: " + text);
                }
                placements.add(new RowPlacement(bucket, type, id));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return placements;
    }
}

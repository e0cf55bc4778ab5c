package io.checkpointrelay.bridge.stream;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.core.MediaType;

/**
 * How the lines of a stream are framed. The stock client asks for BSON first
 * ({@code Accept: application/vnd.powersync.bson-stream;q=0.9,application/x-ndjson;q=0.8}) and
 * parses the body as BSON only when the response's {@code Content-Type} is exactly
 * {@value #BSON_TYPE}. Both formats carry the same lines, written by the same code ({@link SyncLines}).
 */
enum StreamFormat {

    /** One JSON object per line, each followed by a newline. */
    NDJSON(StreamFormat.NDJSON_TYPE, new SyncLines(JsonLineWriter::new)),

    /** Concatenated BSON documents, each starting with its int32 length: no separator. */
    BSON(StreamFormat.BSON_TYPE, new SyncLines(BsonLineWriter::new));

    static final String NDJSON_TYPE = "application/x-ndjson";
    static final String BSON_TYPE = "application/vnd.powersync.bson-stream";

    private final String mediaType;
    private final MediaType type;
    private final SyncLines lines;

    StreamFormat(String mediaType, SyncLines lines) {
        this.mediaType = mediaType;
        this.type = MediaType.valueOf(mediaType);
        this.lines = lines;
    }

    /** The response's Content-Type, exactly (no charset: the client compares the whole value). */
    String mediaType() {
        return mediaType;
    }

    /** Writes the lines of this format. */
    SyncLines lines() {
        return lines;
    }

    /**
     * The format the client prefers by the q-values of its Accept header (each format rated by
     * the most specific range that matches it); NDJSON when there is no header, a tie, or only
     * wildcards. Empty when the client accepts neither.
     */
    static Optional<StreamFormat> negotiate(List<MediaType> accepted) {
        if (accepted.isEmpty()) {
            return Optional.of(NDJSON);
        }
        double ndjson = NDJSON.quality(accepted);
        double bson = BSON.quality(accepted);
        if (ndjson <= 0 && bson <= 0) {
            return Optional.empty();
        }
        return Optional.of(bson > ndjson ? BSON : NDJSON);
    }

    private double quality(List<MediaType> accepted) {
        MediaType best = null;
        for (MediaType range : accepted) {
            if (range.isCompatible(type) && (best == null || specificity(range) > specificity(best))) {
                best = range;
            }
        }
        if (best == null) {
            return 0;
        }
        try {
            return Double.parseDouble(best.getParameters().getOrDefault("q", "1"));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static int specificity(MediaType range) {
        return range.isWildcardType() ? 0 : range.isWildcardSubtype() ? 1 : 2;
    }
}

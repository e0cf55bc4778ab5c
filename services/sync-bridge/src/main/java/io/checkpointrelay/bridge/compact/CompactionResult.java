package io.checkpointrelay.bridge.compact;

import java.time.Duration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one compaction did, as {@code POST /admin/compact} answers it.
 *
 * @param checkpoint       ops up to this op id were compacted
 * @param buckets          buckets examined
 * @param bucketsCompacted buckets that changed
 * @param opsMoved         PUT and REMOVE ops turned into MOVE
 * @param opsCleared       MOVE and REMOVE ops folded into CLEAR ops (stored ops fewer by about as many)
 */
public record CompactionResult(
        @JsonIgnore long checkpoint,
        @JsonProperty("buckets") int buckets,
        @JsonProperty("buckets_compacted") int bucketsCompacted,
        @JsonProperty("ops_moved") long opsMoved,
        @JsonProperty("ops_cleared") long opsCleared,
        @JsonIgnore Duration duration) {

    /** Op ids are decimal strings everywhere in the relay's JSON. */
    @JsonProperty("checkpoint")
    public String checkpointText() {
        return Long.toString(checkpoint);
    }

    @JsonProperty("duration_ms")
    public long durationMillis() {
        return duration.toMillis();
    }
}

package io.checkpointrelay.bridge.bucket;

import java.nio.charset.StandardCharsets;

import io.checkpointrelay.bridge.rules.SourceTable;

/** Quoted names of the storage tables in the configured schema. */
public record StorageTables(String schema) {

    public String schemaSql() {
        return SourceTable.quote(schema);
    }

    public String replicationState() {
        return qualified("replication_state");
    }

    public String bucketData() {
        return qualified("bucket_data");
    }

    public String bucketState() {
        return qualified("bucket_state");
    }

    public String currentRows() {
        return qualified("current_rows");
    }

    public String writeCheckpoints() {
        return qualified("write_checkpoints");
    }

    public String parameterIndex() {
        return qualified("parameter_index");
    }

    public String parameterIndexState() {
        return qualified("parameter_index_state");
    }

    public String checkpointRequests() {
        return qualified("checkpoint_requests");
    }

    /**
     * The NOTIFY channel storage commits announce their checkpoint on (see CheckpointNotice): one
     * per storage schema, so bridges of another storage in the same database are not woken.
     * Channel names are identifiers (at most 63 bytes): a long schema name is replaced by its hash.
     */
    public String checkpointChannel() {
        String channel = "relay_checkpoints." + schema;
        if (channel.getBytes(StandardCharsets.UTF_8).length <= 63) {
            return channel;
        }
        return "relay_checkpoints." + Integer.toHexString(schema.hashCode());
    }

    private String qualified(String table) {
        return schemaSql() + "." + table;
    }
}

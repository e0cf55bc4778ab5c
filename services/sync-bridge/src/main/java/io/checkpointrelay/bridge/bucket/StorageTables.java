package io.checkpointrelay.bridge.bucket;

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

    private String qualified(String table) {
        return schemaSql() + "." + table;
    }
}

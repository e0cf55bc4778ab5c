package io.checkpointrelay.bridge.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.bucket.BucketWriter;
import io.checkpointrelay.bridge.bucket.StorageTables;
import io.checkpointrelay.bridge.checkpoint.CheckpointsTable;
import io.checkpointrelay.bridge.rules.SourceTable;
import io.checkpointrelay.bridge.rules.SyncRules;
import io.checkpointrelay.bridge.rules.SyncRulesLoader;
import io.quarkus.agroal.DataSource;

/** Builds the configured, framework-free parts of the bridge. */
public class BridgeBeans {

    private static final Logger LOG = Logger.getLogger(BridgeBeans.class);

    /** The named datasource replication uses; the default one serves streams. */
    public static final String REPLICATION_POOL = "replication";

    /** Loaded at start-up (replication needs them): invalid rules stop the bridge from starting. */
    @Produces
    @Singleton
    SyncRules syncRules(RelayConfig config) {
        SyncRules rules = SyncRulesLoader.load(config.syncRules().file());
        LOG.infof("Loaded %d bucket definitions from %s, reading tables %s", rules.definitions().size(),
                config.syncRules().file(), rules.tables());
        return rules;
    }

    @Produces
    @Singleton
    StorageTables storageTables(RelayConfig config) {
        return new StorageTables(config.storage().schema());
    }

    @Produces
    @Singleton
    CheckpointsTable checkpointsTable(RelayConfig config) {
        return new CheckpointsTable(SourceTable.parse(config.checkpoints().table()));
    }

    /** Writes through replication's own pool, so busy streams cannot starve it. */
    @Produces
    @Singleton
    BucketWriter bucketWriter(@DataSource(REPLICATION_POOL) AgroalDataSource dataSource, StorageTables tables, RelayConfig config, SyncRules rules) {
        return new BucketWriter(dataSource, tables, config.replication().slot(), rules);
    }

    @Produces
    @Singleton
    BucketReader bucketReader(AgroalDataSource dataSource, StorageTables tables, RelayConfig config) {
        return new BucketReader(dataSource, tables, config.replication().slot());
    }
}

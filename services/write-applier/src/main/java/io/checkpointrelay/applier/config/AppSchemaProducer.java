package io.checkpointrelay.applier.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.checkpointrelay.protocol.schema.AppSchema;
import io.quarkus.runtime.Startup;

/** Loads the application schema once, at start-up, so a bad file stops the service before it consumes anything. */
public class AppSchemaProducer {

    private static final Logger LOG = Logger.getLogger(AppSchemaProducer.class);

    @Produces
    @Singleton
    @Startup
    AppSchema appSchema(RelayConfig config) {
        AppSchema schema = AppSchema.loadSetting(config.schema().file());
        LOG.infof("Applying writes to tables %s (schema %s)", schema.tables().keySet(), config.schema().file());
        return schema;
    }
}

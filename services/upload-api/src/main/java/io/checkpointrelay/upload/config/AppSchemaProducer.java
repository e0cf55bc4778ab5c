package io.checkpointrelay.upload.config;

import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.checkpointrelay.protocol.schema.AppSchema;
import io.quarkus.runtime.Startup;

/** Loads the application schema once, at start-up, so a bad file stops the service before it takes traffic. */
public class AppSchemaProducer {

    private static final Logger LOG = Logger.getLogger(AppSchemaProducer.class);

    @Produces
    @Singleton
    @Startup
    AppSchema appSchema(RelayConfig config) {
        Path file = config.schema().file();
        if (!Files.isReadable(file)) {
            // Relative paths resolve against the working directory, so say where we looked.
            throw new IllegalStateException("relay.schema.file: " + file.toAbsolutePath().normalize()
                    + " does not exist or cannot be read");
        }
        AppSchema schema;
        try {
            schema = AppSchema.load(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("relay.schema.file cannot be used: " + e.getMessage(), e);
        }
        LOG.infof("Clients may write tables %s (schema %s)", schema.tables().keySet(), file);
        return schema;
    }
}

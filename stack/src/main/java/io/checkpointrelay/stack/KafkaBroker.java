package io.checkpointrelay.stack;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The Kafka a stack and its tests talk to: the in-JVM {@link LocalKafka} or a container
 * ({@link Infrastructure}). Topics are never auto-created on either.
 */
public interface KafkaBroker extends AutoCloseable {

    /** Where clients connect; the same across {@link #stop()} and {@link #start()}. */
    String bootstrapServers();

    default Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    /** Creates the topic unless it exists. */
    default void createTopic(String name, int partitions, int replicationFactor, Map<String, String> config)
            throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get();
            if (existing.contains(name)) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) replicationFactor).configs(config))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** Creates the topic unless it exists, replicated {@link #replicationFactor()} times. */
    default void createTopic(String name, int partitions, Map<String, String> config) throws InterruptedException, ExecutionException {
        createTopic(name, partitions, replicationFactor(), config);
    }

    default void createTopic(String name, int partitions) throws InterruptedException, ExecutionException {
        createTopic(name, partitions, Map.of());
    }

    /** How many times the topics created here are replicated. */
    default int replicationFactor() {
        return 1;
    }

    /**
     * Whether this kind of broker offers {@link #stop()} and {@link #start()} (a restart on the same
     * address with the same data) at all; fault tests that need it check it through
     * {@link TestInfrastructure#assumeRestartable}.
     */
    default boolean restartable() {
        return true;
    }

    /** Shuts the broker down in order, keeping its data and address; clients see it go away. */
    void stop() throws Exception;

    /** Starts the broker again after {@link #stop()}, on the same address and data. */
    void start() throws Exception;
}

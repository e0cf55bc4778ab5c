package io.checkpointrelay.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * An in-JVM KRaft Kafka cluster (Kafka's own test kit): one combined broker and controller by
 * default, more brokers on request. Topics are never auto-created, so a topic the code forgets
 * to declare fails loudly here as it would on a managed cluster.
 */
public final class LocalKafka implements AutoCloseable {

    private static final String CLUSTER_ID = "Y2hlY2twb2ludC1yZWxheQ";

    private final KafkaClusterTestKit cluster;

    private LocalKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** One broker with its data in a temporary directory, deleted on {@link #close()}. */
    public static LocalKafka startTemporary() throws Exception {
        return start(null, 1);
    }

    /**
     * Starts a cluster.
     *
     * @param dataDirectory where logs live and are reused on the next start, or null for a temporary one
     * @param brokers       how many brokers (with one controller); topics may then use that replication factor
     */
    public static LocalKafka start(Path dataDirectory, int brokers) throws Exception {
        TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                .setClusterId(CLUSTER_ID)
                .setCombined(brokers == 1)
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1);
        boolean formatted = false;
        if (dataDirectory != null) {
            Files.createDirectories(dataDirectory);
            nodes.setBaseDirectory(dataDirectory);
            try (var entries = Files.walk(dataDirectory)) {
                formatted = entries.anyMatch(p -> p.getFileName().toString().equals("meta.properties"));
            }
        }
        short internalReplication = (short) Math.min(brokers, 3);
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes.build())
                .setDeleteOnClose(dataDirectory == null)
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("offsets.topic.replication.factor", Short.toString(internalReplication))
                .setConfigProp("offsets.topic.num.partitions", "5")
                .setConfigProp("transaction.state.log.replication.factor", Short.toString(internalReplication))
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("log.flush.interval.messages", "1000")
                .build();
        if (!formatted) {
            cluster.format();
        }
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new LocalKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The test kit itself, for fault tests that stop a broker. */
    public KafkaClusterTestKit cluster() {
        return cluster;
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    /** Creates the topic unless it exists. */
    public void createTopic(String name, int partitions, int replicationFactor, Map<String, String> config)
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

    public void createTopic(String name, int partitions) throws InterruptedException, ExecutionException {
        createTopic(name, partitions, 1, Map.of());
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}

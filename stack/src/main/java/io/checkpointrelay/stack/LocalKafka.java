package io.checkpointrelay.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Time;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * An in-JVM KRaft Kafka cluster (Kafka's own test kit): one combined broker and controller by
 * default, more brokers on request. Topics are never auto-created, so a topic the code forgets
 * to declare fails loudly here as it would on a managed cluster.
 *
 * <p>A single-node cluster with a data directory can be {@link #stop() stopped} and
 * {@link #start() started} again on the same address with the same data, as a broker restart
 * looks to clients. The test kit cannot restart its node on fixed ports, so after the first stop
 * the node runs as a plain {@link KafkaRaftServer} (what {@code kafka-server-start} runs)
 * with the ports the kit had bound.
 */
public final class LocalKafka implements KafkaBroker {

    private static final String CLUSTER_ID = "Y2hlY2twb2ludC1yZWxheQ";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final boolean temporary;
    private final String bootstrapServers;
    /** The running test kit, until the first {@link #stop()}. */
    private KafkaClusterTestKit cluster;
    /** After the first stop: the node's configuration with its ports fixed. */
    private KafkaConfig restartConfig;
    /** After a {@link #start()} that followed a stop. */
    private KafkaRaftServer node;

    private LocalKafka(KafkaClusterTestKit cluster, boolean temporary) {
        this.cluster = cluster;
        this.temporary = temporary;
        this.bootstrapServers = cluster.bootstrapServers();
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
        return new LocalKafka(cluster, dataDirectory == null);
    }

    /** The same across {@link #stop()} and {@link #start()}. */
    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The test kit itself, for fault tests that stop one broker of several; null once {@link #stop()} was used. */
    public synchronized KafkaClusterTestKit cluster() {
        return cluster;
    }

    /**
     * Shuts the broker down in order (as SIGTERM would), keeping its data and address; clients
     * see the broker go away. Only for a single-node cluster with a data directory.
     */
    @Override
    public synchronized void stop() throws Exception {
        if (cluster != null) {
            if (temporary || cluster.brokers().size() != 1 || cluster.controllers().size() != 1) {
                throw new IllegalStateException("Only a single-node cluster with a data directory can be stopped and started again");
            }
            restartConfig = withBoundPorts(cluster);
        }
        shutdown();
    }

    /** Starts the broker again after {@link #stop()}, on the same ports and data, and waits until every partition has a leader. */
    @Override
    public synchronized void start() throws Exception {
        if (cluster != null || node != null) {
            return;
        }
        if (restartConfig == null) {
            throw new IllegalStateException("The cluster was closed");
        }
        node = new KafkaRaftServer(restartConfig, Time.SYSTEM);
        node.startup();
        awaitLeaders();
    }

    /** The kit's node configuration with the ports it bound in place of its {@code :0} listeners. */
    private static KafkaConfig withBoundPorts(KafkaClusterTestKit cluster) {
        BrokerServer broker = cluster.brokers().values().iterator().next();
        ControllerServer controller = cluster.controllers().values().iterator().next();
        String brokerListener = cluster.nodes().brokerListenerName().value();
        ListenerName controllerListener = cluster.nodes().controllerListenerName();
        Map<String, Object> props = new HashMap<>(broker.config().originals());
        props.put("listeners", "%s://localhost:%d,%s://localhost:%d".formatted(
                brokerListener, broker.boundPort(ListenerName.normalised(brokerListener)),
                controllerListener.value(), controller.socketServer().boundPort(controllerListener)));
        return new KafkaConfig(props, false);
    }

    private void awaitLeaders() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String lastProblem = "no answer yet";
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    // Internal topics too: consumer groups need __consumer_offsets led.
                    Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
                    Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames().get();
                    boolean led = descriptions.values().stream()
                            .flatMap(topic -> topic.partitions().stream())
                            .map(TopicPartitionInfo::leader)
                            .allMatch(leader -> leader != null && !leader.isEmpty());
                    if (led) {
                        return;
                    }
                    lastProblem = "partitions without a leader";
                } catch (ExecutionException e) {
                    lastProblem = String.valueOf(e.getCause());
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("Kafka was not ready within " + READY_TIMEOUT.toSeconds() + " s of its restart: " + lastProblem);
    }

    @Override
    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    /** Creates the topic unless it exists. */
    @Override
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

    @Override
    public void createTopic(String name, int partitions) throws InterruptedException, ExecutionException {
        createTopic(name, partitions, 1, Map.of());
    }

    @Override
    public synchronized void close() throws Exception {
        shutdown();
        restartConfig = null;
    }

    private void shutdown() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        } else if (node != null) {
            node.shutdown();
            node.awaitShutdown();
            node = null;
        }
    }
}

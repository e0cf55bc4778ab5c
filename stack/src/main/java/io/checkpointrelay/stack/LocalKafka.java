package io.checkpointrelay.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
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
 *
 * <p>With three or more brokers the cluster is laid out for losing one: a separate controller,
 * topics (the ones created here, the internal ones, and those clients create such as Kafka
 * Streams' changelogs) replicated three times with {@code min.insync.replicas=2}, so an
 * {@code acks=all} write still succeeds while one broker is down. One broker can then be
 * {@link #stopBroker(int) stopped} and {@link #startBroker(int) started} again on its address.
 */
public final class LocalKafka implements KafkaBroker {

    private static final String CLUSTER_ID = "Y2hlY2twb2ludC1yZWxheQ";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** From this many brokers on, topics tolerate the loss of one broker without refusing acks=all writes. */
    private static final int FAULT_TOLERANT_BROKERS = 3;

    private final boolean temporary;
    private final String bootstrapServers;
    private final int brokers;
    /** The running test kit, until the first {@link #stop()}. */
    private KafkaClusterTestKit cluster;
    /** After the first stop: the node's configuration with its ports fixed. */
    private KafkaConfig restartConfig;
    /** After a {@link #start()} that followed a stop. */
    private KafkaRaftServer node;

    private LocalKafka(KafkaClusterTestKit cluster, boolean temporary, int brokers) {
        this.cluster = cluster;
        this.temporary = temporary;
        this.brokers = brokers;
        this.bootstrapServers = cluster.bootstrapServers();
    }

    /** One broker with its data in a temporary directory, deleted on {@link #close()}. */
    public static LocalKafka startTemporary() throws Exception {
        return start(null, 1);
    }

    /** {@code brokers} brokers (and one controller) with their data in a temporary directory, deleted on {@link #close()}. */
    public static LocalKafka startTemporary(int brokers) throws Exception {
        return start(null, brokers);
    }

    /**
     * Starts a cluster.
     *
     * @param dataDirectory where logs live and are reused on the next start, or null for a temporary one
     * @param brokers       how many brokers: 1 is a combined broker and controller; more run beside
     *                      one controller of their own, and from 3 on topics survive the loss of one broker
     */
    public static LocalKafka start(Path dataDirectory, int brokers) throws Exception {
        if (brokers < 1) {
            throw new IllegalArgumentException("at least one broker, got " + brokers);
        }
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
        String replication = Integer.toString(replicationFactor(brokers));
        String minInSync = Integer.toString(minInSyncReplicas(brokers));
        KafkaClusterTestKit.Builder kit = new KafkaClusterTestKit.Builder(nodes.build());
        if (brokers > 1) {
            // Brokers heartbeat the controller every 2 s by default, and a restarted broker may only
            // register again once its previous session (9 s) has expired: both shortened so a
            // broker starts, stops and comes back in seconds. One node needs neither.
            kit.setConfigProp("broker.heartbeat.interval.ms", "500")
                    .setConfigProp("broker.session.timeout.ms", "3000");
        }
        KafkaClusterTestKit cluster = kit
                .setDeleteOnClose(dataDirectory == null)
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // Topics clients create with the broker's defaults (Kafka Streams' changelog and
                // repartition topics with replication.factor=-1) are as safe as the declared ones.
                .setConfigProp("default.replication.factor", replication)
                .setConfigProp("min.insync.replicas", minInSync)
                .setConfigProp("offsets.topic.replication.factor", replication)
                .setConfigProp("offsets.topic.num.partitions", "5")
                .setConfigProp("transaction.state.log.replication.factor", replication)
                .setConfigProp("transaction.state.log.min.isr", minInSync)
                .setConfigProp("log.flush.interval.messages", "1000")
                .build();
        if (!formatted) {
            cluster.format();
        }
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new LocalKafka(cluster, dataDirectory == null, brokers);
    }

    /** Replicas per partition on a cluster of {@code brokers}: up to three. */
    private static int replicationFactor(int brokers) {
        return Math.min(brokers, FAULT_TOLERANT_BROKERS);
    }

    /** Two in-sync replicas for an acks=all write once there are three, so one broker may be down; one below that. */
    private static int minInSyncReplicas(int brokers) {
        return brokers >= FAULT_TOLERANT_BROKERS ? 2 : 1;
    }

    /** How many brokers the cluster was started with (stopped ones included). */
    public int brokers() {
        return brokers;
    }

    /** Replicas per partition of the topics {@link #createTopic(String, int, Map)} creates: {@code min(3, brokers)}. */
    @Override
    public int replicationFactor() {
        return replicationFactor(brokers);
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

    /** The brokers' node ids, stopped ones included. */
    public synchronized SortedSet<Integer> brokerIds() {
        return new TreeSet<>(runningKit().brokers().keySet());
    }

    /**
     * Shuts one broker down in order (as SIGTERM would: partitions it leads move to another
     * in-sync replica first), keeping its data and address; the others go on serving. Only on a
     * cluster of several brokers; a single node is stopped with {@link #stop()}.
     */
    public synchronized void stopBroker(int nodeId) {
        if (brokers < 2) {
            throw new IllegalStateException("A single-node cluster is stopped as a whole with stop()");
        }
        broker(nodeId).shutdown();
    }

    /**
     * Starts a broker {@link #stopBroker(int) stopped} before, on the same address and data, and
     * waits until it is back in the in-sync replicas of every partition it holds, so that the
     * cluster can again lose a broker.
     */
    public synchronized void startBroker(int nodeId) throws InterruptedException {
        broker(nodeId).startup();
        awaitInSync(nodeId);
    }

    /** The node id of the partition's leader, or empty while it has none. */
    public OptionalInt leader(TopicPartition partition) throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            return leader(admin, partition);
        }
    }

    /** The node id of the partition's leader, or empty while it has none. */
    public static OptionalInt leader(Admin admin, TopicPartition partition) throws InterruptedException, ExecutionException {
        TopicPartitionInfo info = admin.describeTopics(List.of(partition.topic())).allTopicNames().get()
                .get(partition.topic()).partitions().get(partition.partition());
        Node leader = info.leader();
        return leader == null || leader.isEmpty() ? OptionalInt.empty() : OptionalInt.of(leader.id());
    }

    private BrokerServer broker(int nodeId) {
        BrokerServer broker = runningKit().brokers().get(nodeId);
        if (broker == null) {
            throw new IllegalArgumentException("No broker " + nodeId + "; brokers are " + runningKit().brokers().keySet());
        }
        return broker;
    }

    private KafkaClusterTestKit runningKit() {
        if (cluster == null) {
            throw new IllegalStateException("The cluster was stopped or closed");
        }
        return cluster;
    }

    /** Waits until every partition (internal ones too) that has a replica on the broker lists it as in sync. */
    private void awaitInSync(int nodeId) throws InterruptedException {
        awaitPartitions("Broker " + nodeId + " was not back in sync", partitions -> {
            List<String> behind = partitions.values().stream()
                    .flatMap(topic -> topic.partitions().stream()
                            .filter(p -> p.replicas().stream().anyMatch(r -> r.id() == nodeId))
                            .filter(p -> p.isr().stream().noneMatch(r -> r.id() == nodeId))
                            .map(p -> topic.name() + "-" + p.partition()))
                    .toList();
            return behind.isEmpty() ? null : "not in sync yet on " + behind;
        });
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
        // Internal topics too: consumer groups need __consumer_offsets led.
        awaitPartitions("Kafka was not ready after its restart", partitions -> partitions.values().stream()
                .flatMap(topic -> topic.partitions().stream())
                .map(TopicPartitionInfo::leader)
                .allMatch(leader -> leader != null && !leader.isEmpty()) ? null : "partitions without a leader");
    }

    /**
     * Polls the description of every topic, internal ones included, until {@code problem} finds
     * none (answers null).
     */
    private void awaitPartitions(String failure, Function<Map<String, TopicDescription>, String> problem) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String lastProblem = "no answer yet";
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
                    lastProblem = problem.apply(admin.describeTopics(topics).allTopicNames().get());
                    if (lastProblem == null) {
                        return;
                    }
                } catch (ExecutionException e) {
                    lastProblem = String.valueOf(e.getCause());
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(failure + " within " + READY_TIMEOUT.toSeconds() + " s: " + lastProblem);
    }

    /**
     * Creates the topic unless it exists, replicated {@link #replicationFactor()} times, with
     * {@code min.insync.replicas=2} from three brokers on: what the stack's topics use.
     */
    @Override
    public void createTopic(String name, int partitions, Map<String, String> config) throws InterruptedException, ExecutionException {
        Map<String, String> withReplication = new HashMap<>(config);
        if (brokers >= FAULT_TOLERANT_BROKERS) {
            withReplication.putIfAbsent("min.insync.replicas", Integer.toString(minInSyncReplicas(brokers)));
        }
        createTopic(name, partitions, replicationFactor(), withReplication);
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

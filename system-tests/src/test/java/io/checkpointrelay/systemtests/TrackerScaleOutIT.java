package io.checkpointrelay.systemtests;

import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.APPLIED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.DELIVERED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.REPLICATED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.REQUESTED;
import static io.checkpointrelay.stack.client.LifecycleTopics.event;
import static io.checkpointrelay.systemtests.TestStack.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.protocol.lifecycle.ClientAlert;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.RelayService;
import io.checkpointrelay.stack.ServiceProcess;
import io.checkpointrelay.stack.UsesTestInfrastructure;
import io.checkpointrelay.stack.client.LifecycleTopics;
import io.checkpointrelay.stack.client.TrackerClient;

/**
 * Two checkpoint-tracker instances in one Kafka Streams application (the same application id,
 * each with its own state directory): each folds and checks the clients of its partitions, and
 * either answers for every client, because both read every published state into their global
 * store. When one stops, the other takes over its partitions: clients of those partitions that
 * recover or become stuck afterwards are reported, by the survivor.
 *
 * <p>Events are produced straight to {@code relay.checkpoint-events}, as the services emit them,
 * so the clients can be spread over every partition without driving real devices.
 */
@UsesTestInfrastructure
class TrackerScaleOutIT {

    private static final String APPLICATION_ID = "checkpoint-tracker";
    private static final Duration STUCK_AFTER = Duration.ofSeconds(2);
    /**
     * Kafka Streams does not leave the group when it closes (a restarting instance keeps its
     * tasks), so the survivor takes over once the stopped instance's session timed out: 45 s by
     * default, the broker's minimum here.
     */
    private static final String SESSION_TIMEOUT_MS = "6000";
    private static final int PER_PARTITION = 5;

    private static LocalStack stack;
    private static ServiceProcess firstProcess;
    private static ServiceProcess secondProcess;
    private static TrackerClient first;
    private static TrackerClient second;
    private static LifecycleTopics topics;

    @BeforeAll
    static void startTwoTrackers() throws Exception {
        stack = TestStack.start(TrackerScaleOutIT.class, builder -> builder
                .config(RelayService.CHECKPOINT_TRACKER, "relay.tracker.stuck-after", STUCK_AFTER.toMillis() + "ms")
                .config(RelayService.CHECKPOINT_TRACKER, "kafka-streams.consumer.session.timeout.ms", SESSION_TIMEOUT_MS)
                .config(RelayService.CHECKPOINT_TRACKER, "kafka-streams.consumer.heartbeat.interval.ms", "2000"));
        firstProcess = stack.service(RelayService.CHECKPOINT_TRACKER);
        secondProcess = stack.startExtraInstance(RelayService.CHECKPOINT_TRACKER);
        String operator = stack.tokens().issue("operator", Duration.ofHours(1), Map.of("groups", List.of("relay-operator")));
        first = new TrackerClient(firstProcess.uri(), operator);
        second = new TrackerClient(secondProcess.uri(), operator);
        topics = new LifecycleTopics(stack.kafka().bootstrapServers());
    }

    @AfterAll
    static void stopStack() {
        if (topics != null) {
            topics.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void eitherInstanceAnswersForEveryClientAndTheSurvivorTakesOverThePartitionsOfOneThatStops() throws Exception {
        Map<String, Set<Integer>> owners = awaitGroup(2);
        assertThat(owners.values()).as("both instances own partitions").allMatch(partitions -> !partitions.isEmpty());
        String firstPid = Long.toString(firstProcess.pid());
        String secondPid = Long.toString(secondProcess.pid());

        // On every partition: clients whose request was delivered, and clients left waiting in each stage.
        List<ClientKey> delivered = clientsOnEveryPartition("delivered");
        List<ClientKey> waiting = clientsOnEveryPartition("waiting");
        Instant t = Instant.now();
        for (ClientKey client : delivered) {
            // Last stage first: these clients never wait, however slowly the events go out.
            topics.send(event(client, DELIVERED, 7, t), event(client, REPLICATED, 7, t), event(client, APPLIED, 7, t),
                    event(client, REQUESTED, 7, t));
        }
        for (int i = 0; i < waiting.size(); i++) {
            ClientKey client = waiting.get(i);
            topics.send(event(client, REQUESTED, 3, t));
            if (i % 3 >= 1) {
                topics.send(event(client, APPLIED, 3, t));
            }
            if (i % 3 == 2) {
                topics.send(event(client, REPLICATED, 3, t));
            }
        }

        // Each waiting client is alerted once, by the instance that owns its partition; both instances alert.
        List<ClientAlert> stuckAlerts = awaitAlerts(ClientAlert.Type.STUCK, waiting);
        Map<Integer, Set<String>> alertingByPartition = byPartition(stuckAlerts);
        assertThat(alertingByPartition.values()).as("one owner per partition: " + alertingByPartition).allMatch(names -> names.size() == 1);
        assertThat(stuckAlerts).extracting(TrackerScaleOutIT::pidOf).as("alerts by both instances")
                .containsOnly(firstPid, secondPid);

        // Either instance answers for every client, the same, stuck marks included.
        List<ClientKey> all = Stream.concat(delivered.stream(), waiting.stream()).toList();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
            for (ClientKey client : all) {
                JsonNode answer = first.client(client.userId(), client.clientId());
                assertThat(second.client(client.userId(), client.clientId())).as("%s from both instances", client).isEqualTo(answer);
                boolean waits = waiting.contains(client);
                assertThat(answer.path("stuck").isObject()).as("%s stuck", client).isEqualTo(waits);
                assertThat(answer.path("waiting_in").isMissingNode()).as("%s not waiting", client).isEqualTo(!waits);
            }
        });
        assertThat(keysOf(stuckList(first))).isEqualTo(Set.copyOf(waiting));
        assertThat(stuckList(second)).isEqualTo(stuckList(first));

        // The second instance stops; the first keeps answering for every client from its global store, at once.
        Map<ClientKey, JsonNode> before = new HashMap<>();
        for (ClientKey client : all) {
            before.put(client, first.client(client.userId(), client.clientId()));
        }
        secondProcess.stop();
        for (ClientKey client : all) {
            assertThat(first.client(client.userId(), client.clientId())).as("%s right after the stop", client).isEqualTo(before.get(client));
        }

        // After the stop, on every partition (also those the second instance owned): the waiting
        // clients are delivered and recover, new clients become stuck. The first instance reports all of it.
        List<ClientKey> late = clientsOnEveryPartition("late");
        Instant u = Instant.now();
        for (ClientKey client : waiting) {
            topics.send(event(client, DELIVERED, 3, u));
        }
        for (ClientKey client : late) {
            topics.send(event(client, REQUESTED, 1, u));
        }
        List<ClientAlert> recovered = awaitAlerts(ClientAlert.Type.RECOVERED, waiting);
        List<ClientAlert> lateStuck = awaitAlerts(ClientAlert.Type.STUCK, late);
        // Some of these clients are on partitions the second instance owned (it sent their stuck alerts above).
        assertThat(recovered).extracting(TrackerScaleOutIT::pidOf).containsOnly(firstPid);
        assertThat(lateStuck).extracting(TrackerScaleOutIT::pidOf).containsOnly(firstPid);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
            for (ClientKey client : waiting) {
                JsonNode answer = first.client(client.userId(), client.clientId());
                assertThat(answer.path("delivered").path("request_id").asLong()).as("%s delivered", client).isEqualTo(3);
                assertThat(answer.has("stuck")).as("%s no longer stuck", client).isFalse();
            }
            for (ClientKey client : late) {
                assertThat(first.client(client.userId(), client.clientId()).path("stuck").path("waiting_in").asText())
                        .as("%s marked stuck", client).isEqualTo("queued");
            }
            assertThat(keysOf(stuckList(first))).isEqualTo(Set.copyOf(late));
        });
        assertThat(awaitGroup(1).values()).as("the first instance owns every partition").containsExactly(allPartitions());
    }

    /**
     * {@value #PER_PARTITION} clients on each partition of the events topic, named {@code prefix-n}.
     */
    private static List<ClientKey> clientsOnEveryPartition(String prefix) {
        Map<Integer, List<ClientKey>> byPartition = new TreeMap<>();
        for (int n = 0; byPartition.values().stream().mapToInt(List::size).sum() < PER_PARTITION * LocalStack.UPLOAD_PARTITIONS; n++) {
            ClientKey client = new ClientKey(prefix + "-" + n, "device");
            List<ClientKey> clients = byPartition.computeIfAbsent(LifecycleTopics.partitionOf(client, LocalStack.UPLOAD_PARTITIONS),
                    p -> new ArrayList<>());
            if (clients.size() < PER_PARTITION) {
                clients.add(client);
            }
        }
        return byPartition.values().stream().flatMap(List::stream).toList();
    }

    /** Waits until the tracker's consumer group is stable with {@code members} members; their partitions of the events topic. */
    private static Map<String, Set<Integer>> awaitGroup(int members) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
            Map<String, Set<Integer>> owned = new HashMap<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(APPLICATION_ID)).all().get().get(APPLICATION_ID);
                assertThat(group.groupState()).isEqualTo(GroupState.STABLE);
                assertThat(group.members()).hasSize(members);
                owned.clear();
                for (MemberDescription member : group.members()) {
                    owned.put(member.consumerId(), member.assignment().topicPartitions().stream()
                            .filter(p -> p.topic().equals(Topics.CHECKPOINT_EVENTS)).map(TopicPartition::partition)
                            .collect(Collectors.toCollection(TreeSet::new)));
                }
                assertThat(owned.values().stream().flatMap(Set::stream).toList()).as("every partition owned once")
                        .containsExactlyInAnyOrderElementsOf(allPartitions());
            });
            return owned;
        }
    }

    private static Set<Integer> allPartitions() {
        Set<Integer> partitions = new TreeSet<>();
        for (int p = 0; p < LocalStack.UPLOAD_PARTITIONS; p++) {
            partitions.add(p);
        }
        return partitions;
    }

    /** The alerts of {@code type} for the clients, once there is one for each (exactly one each). */
    private static List<ClientAlert> awaitAlerts(ClientAlert.Type type, List<ClientKey> clients) {
        Set<ClientKey> expected = new HashSet<>(clients);
        List<ClientAlert> found = new ArrayList<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            found.clear();
            topics.alerts().stream().filter(alert -> alert.type() == type && expected.contains(new ClientKey(alert.userId(), alert.clientId())))
                    .forEach(found::add);
            assertThat(found).extracting(alert -> new ClientKey(alert.userId(), alert.clientId()))
                    .as("one %s alert per client", type).containsExactlyInAnyOrderElementsOf(clients);
        });
        return found;
    }

    private static Map<Integer, Set<String>> byPartition(List<ClientAlert> alerts) {
        return alerts.stream().collect(Collectors.groupingBy(
                alert -> LifecycleTopics.partitionOf(new ClientKey(alert.userId(), alert.clientId()), LocalStack.UPLOAD_PARTITIONS),
                TreeMap::new, Collectors.mapping(ClientAlert::instance, Collectors.toCollection(TreeSet::new))));
    }

    /** {@code GET /clients/stuck} without the ages (they depend on when each instance was asked). */
    private static List<JsonNode> stuckList(TrackerClient tracker) throws IOException, InterruptedException {
        List<JsonNode> entries = tracker.stuck();
        entries.forEach(entry -> ((ObjectNode) entry).remove("age"));
        return entries;
    }

    private static Set<ClientKey> keysOf(List<JsonNode> stuckList) {
        return stuckList.stream().map(entry -> new ClientKey(entry.path("user_id").asText(), entry.path("client_id").asText()))
                .collect(Collectors.toSet());
    }

    /** The process id in an alert's {@code instance} ({@code checkpoint-tracker@host/pid}): which tracker sent it. */
    private static String pidOf(ClientAlert alert) {
        return alert.instance().substring(alert.instance().lastIndexOf('/') + 1);
    }
}

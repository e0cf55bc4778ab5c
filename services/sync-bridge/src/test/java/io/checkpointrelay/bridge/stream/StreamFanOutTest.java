package io.checkpointrelay.bridge.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.checkpoint.CheckpointNotifier;
import io.checkpointrelay.bridge.checkpoint.CheckpointRequests;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.rules.BucketRef;
import io.checkpointrelay.bridge.rules.RequestBuckets;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.SyncedClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;

/**
 * Which open streams a storage commit wakes, through the real notifier and stream wiring on real
 * replication: only those whose buckets or write checkpoint it changed, and a stream that was busy
 * while several commits were announced still gets all of them.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class StreamFanOutTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    BucketReader reader;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    @Inject
    CheckpointNotifier notifier;

    @Inject
    SyncStreams streams;

    @Inject
    CheckpointRequests requests;

    private Storage storage;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @Test
    void writesOfOneUserWakeOnlyThatUsersStreams() {
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        SyncSession aliceSession = session(alice);
        SyncSession bobSession = session(bob);
        AssertSubscriber<byte[]> aliceLines = subscribe(aliceSession, alice);
        AssertSubscriber<byte[]> bobLines = subscribe(bobSession, bob);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> kinds(aliceLines).contains("checkpoint_complete")
                    && kinds(bobLines).contains("checkpoint_complete"));
            long bobReads = bobSession.checkpointReads();
            int bobLineCount = lines(bobLines).size();

            // Five commits of alice: her rows, then her client's write checkpoint.
            UUID list = UUID.randomUUID();
            storage.sql("INSERT INTO lists (id, name, owner_id) VALUES (?, 'Errands', ?)", list, alice);
            for (int i = 1; i <= 3; i++) {
                storage.sql("INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)", UUID.randomUUID(),
                        "errand " + i, alice, list);
            }
            storage.sql("INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES (?, ?, 11)", alice, alice + "-device");

            await().atMost(Duration.ofSeconds(30)).until(() -> lines(aliceLines).stream()
                    .anyMatch(line -> "11".equals(line.at("/checkpoint_diff/write_checkpoint").textValue())));
            await().atMost(Duration.ofSeconds(30)).until(() -> kinds(aliceLines).getLast().equals("checkpoint_complete"));
            SyncedClient aliceClient = new SyncedClient();
            aliceClient.apply(lines(aliceLines));
            aliceClient.assertChecksumsMatch();
            assertThat(aliceClient.objects(todos(alice))).hasSize(3);
            assertThat(aliceClient.objects("user_lists[\"" + alice + "\"]")).containsOnlyKeys("lists/" + list);
            assertThat(aliceClient.writeCheckpoint()).isEqualTo("11");
            assertThat(aliceSession.checkpointReads()).as("alice's stream read the checkpoints of her commits").isGreaterThan(1);

            assertThat(bobSession.checkpointReads()).as("bob's stream did not read storage for alice's commits").isEqualTo(bobReads);
            assertThat(lines(bobLines)).as("nor sent a line (keep-alives aside)").hasSize(bobLineCount);

            // Bob's own write wakes his stream.
            storage.sql("INSERT INTO lists (id, name, owner_id) VALUES (?, 'Tools', ?)", UUID.randomUUID(), bob);
            await().atMost(Duration.ofSeconds(30)).until(() -> kinds(bobLines).contains("checkpoint_diff"));
            assertThat(bobSession.checkpointReads()).isGreaterThan(bobReads);
        } finally {
            aliceLines.cancel();
            bobLines.cancel();
        }
    }

    @Test
    void aManagedCheckpointRequestWakesOnlyTheStreamsOfItsClient() throws Exception {
        String erin = "erin-" + UUID.randomUUID();
        String fred = "fred-" + UUID.randomUUID();
        SyncSession erinSession = session(erin);
        SyncSession fredSession = session(fred);
        AssertSubscriber<byte[]> erinLines = subscribe(erinSession, erin);
        AssertSubscriber<byte[]> fredLines = subscribe(fredSession, fred);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> kinds(erinLines).contains("checkpoint_complete")
                    && kinds(fredLines).contains("checkpoint_complete"));
            long fredReads = fredSession.checkpointReads();

            // Recorded with the source position and a message naming erin's client; nothing else changes.
            assertThat(requests.request(erin, erin + "-device", 5).outcome()).isEqualTo(CheckpointRequests.Outcome.RECORDED);
            await().atMost(Duration.ofSeconds(30)).until(() -> lines(erinLines).stream()
                    .anyMatch(line -> "5".equals(line.at("/checkpoint_diff/write_checkpoint").textValue())));

            assertThat(fredSession.checkpointReads()).as("fred's stream did not look").isEqualTo(fredReads);
            assertThat(kinds(fredLines)).containsExactly("checkpoint", "checkpoint_complete");
        } finally {
            erinLines.cancel();
            fredLines.cancel();
        }
    }

    @Test
    void aStreamBusyWhileSeveralCommitsAreAnnouncedGetsAllOfThem() {
        String carol = "carol-" + UUID.randomUUID();
        String dave = "dave-" + UUID.randomUUID();
        SyncSession session = session(carol);
        // Demand for the first checkpoint's two lines only: then the stream is busy (its client reads nothing).
        AssertSubscriber<byte[]> lines = streams.lines(session, StreamFormat.NDJSON.lines(), Instant.now().plusSeconds(300), carol)
                .subscribe().withSubscriber(AssertSubscriber.create(2));
        try {
            // A keep-alive sent before the first checkpoint was built takes one of the two: ask for one more per keep-alive.
            int[] keepAlivesAnswered = { 0 };
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                int keepAlives = lines.getItems().size() - lines(lines).size();
                if (keepAlives > keepAlivesAnswered[0]) {
                    lines.request(keepAlives - keepAlivesAnswered[0]);
                    keepAlivesAnswered[0] = keepAlives;
                }
                return kinds(lines).contains("checkpoint_complete");
            });

            // Carol's data, then her write checkpoint, then (last) a commit that is not hers.
            UUID list = UUID.randomUUID();
            storage.sql("INSERT INTO lists (id, name, owner_id) VALUES (?, 'Books', ?)", list, carol);
            storage.sql("INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES (?, ?, 21)", carol, carol + "-device");
            storage.sql("INSERT INTO lists (id, name, owner_id) VALUES (?, 'Games', ?)", UUID.randomUUID(), dave);
            String daveLists = "user_lists[\"" + dave + "\"]";
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> storage.state(daveLists) != null && notifier.latest() >= storage.state(daveLists).lastOpId());
            assertThat(kinds(lines)).as("busy: nothing sent yet").containsExactly("checkpoint", "checkpoint_complete");

            lines.request(Long.MAX_VALUE);
            await().atMost(Duration.ofSeconds(30)).until(() -> kinds(lines).getLast().equals("checkpoint_complete")
                    && lines(lines).stream().anyMatch(line -> "21".equals(line.at("/checkpoint_diff/write_checkpoint").textValue())));
            SyncedClient client = new SyncedClient();
            client.apply(lines(lines));
            client.assertChecksumsMatch();
            assertThat(client.objects("user_lists[\"" + carol + "\"]")).containsOnlyKeys("lists/" + list);
            assertThat(client.writeCheckpoint()).isEqualTo("21");
        } finally {
            lines.cancel();
        }
    }

    private SyncSession session(String user) {
        return new SyncSession(reader, ForkJoinPool.commonPool(), user, user + "-device",
                RequestBuckets.of(List.of(new BucketRef("user_lists[\"" + user + "\"]", 3), new BucketRef(todos(user), 3))),
                Map.of(), new SyncSession.Limits(1000, 1_000_000), StreamFormat.NDJSON.lines(), delivered -> { });
    }

    private AssertSubscriber<byte[]> subscribe(SyncSession session, String user) {
        return streams.lines(session, StreamFormat.NDJSON.lines(), Instant.now().plusSeconds(300), user)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
    }

    private static String todos(String user) {
        return "user_todos[\"" + user + "\"]";
    }

    /** The sync lines so far (keep-alives left out). */
    private static List<JsonNode> lines(AssertSubscriber<byte[]> subscriber) {
        List<JsonNode> lines = new ArrayList<>();
        for (byte[] line : subscriber.getItems()) {
            try {
                JsonNode json = JSON.readTree(new String(line, StandardCharsets.UTF_8));
                if (!json.has("token_expires_in")) {
                    lines.add(json);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return lines;
    }

    private static List<String> kinds(AssertSubscriber<byte[]> subscriber) {
        List<String> kinds = new ArrayList<>();
        lines(subscriber).forEach(line -> kinds.add(line.fieldNames().next()));
        return kinds;
    }
}

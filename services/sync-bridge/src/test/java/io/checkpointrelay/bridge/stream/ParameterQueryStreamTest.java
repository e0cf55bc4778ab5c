package io.checkpointrelay.bridge.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.testing.ListRules;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.StreamClient;
import io.checkpointrelay.bridge.testing.SyncedClient;
import io.checkpointrelay.stack.DevTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Buckets found through a parameter query that reads a table ({@code lists}), end to end: real
 * replication, the parameter index in storage, and streams whose bucket lists follow it.
 */
@QuarkusTest
@TestProfile(ListRules.class)
class ParameterQueryStreamTest {

    private static final DevTokens TOKENS = new DevTokens(PostgresResource.JWT_SECRET);

    @TestHTTPResource("/sync/stream")
    URI streamUri;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    private Storage storage;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @Test
    void usersSyncTheListsTheyOwnAndBucketsFollowListsThatChangeHands() {
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        UUID home = UUID.randomUUID();
        UUID work = UUID.randomUUID();
        UUID milk = UUID.randomUUID();
        UUID bread = UUID.randomUUID();
        String homeBucket = bucket(home);
        String workBucket = bucket(work);
        try (StreamClient aliceStream = open(alice); StreamClient bobStream = open(bob)) {
            SyncedClient aliceClient = new SyncedClient();
            List<JsonNode> first = aliceStream.untilCheckpointComplete();
            assertThat(first.get(0).at("/checkpoint/buckets")).as("alice owns no list yet").isEmpty();
            aliceClient.apply(first);
            SyncedClient bobClient = new SyncedClient();
            bobClient.apply(bobStream.untilCheckpointComplete());

            storage.transaction(
                    new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Home', ?)", home, alice },
                    new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'Milk', ?, ?)", milk, alice, home },
                    new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'Bread', ?, ?)", bread, bob, home });

            List<JsonNode> gained = aliceStream.untilCheckpointComplete();
            assertThat(gained.get(0).at("/checkpoint_diff/updated_buckets")).extracting(b -> b.get("bucket").textValue())
                    .as("the new list's bucket, with its data in the same checkpoint").containsExactly(homeBucket);
            aliceClient.apply(gained);
            aliceClient.assertChecksumsMatch();
            assertThat(aliceClient.objects(homeBucket)).as("every todo of the list, whoever created it")
                    .containsOnlyKeys("lists/" + home, "todos/" + milk, "todos/" + bread);
            bobStream.expectSilence(Duration.ofMillis(1500));
            assertThat(storage.text("SELECT lookup FROM relay_sync.parameter_index WHERE row_key = '" + home + "'"))
                    .isEqualTo("[\"" + alice + "\"]");

            // A data change moves a todo between buckets: REMOVE in the old list's, PUT in the new one's.
            storage.transaction(
                    new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Work', ?)", work, alice },
                    new Object[] { "UPDATE todos SET list_id = ? WHERE id = ?", work, milk });
            List<JsonNode> moved = aliceStream.untilCheckpointComplete();
            assertThat(moved.get(0).at("/checkpoint_diff/updated_buckets")).extracting(b -> b.get("bucket").textValue())
                    .containsExactlyInAnyOrder(homeBucket, workBucket);
            assertThat(ops(moved, homeBucket)).containsExactly("REMOVE todos/" + milk);
            aliceClient.apply(moved);
            aliceClient.assertChecksumsMatch();
            assertThat(aliceClient.objects(homeBucket)).containsOnlyKeys("lists/" + home, "todos/" + bread);
            assertThat(aliceClient.objects(workBucket)).containsOnlyKeys("lists/" + work, "todos/" + milk);

            // Renaming changes no bucket list: the index is left as it is and streams need not look up again.
            long indexVersion = indexVersion();
            storage.sql("UPDATE lists SET name = 'Family' WHERE id = ?", home);
            List<JsonNode> renamed = aliceStream.untilCheckpointComplete();
            assertThat(renamed.get(0).at("/checkpoint_diff/removed_buckets")).isEmpty();
            aliceClient.apply(renamed);
            assertThat(aliceClient.objects(homeBucket).get("lists/" + home)).contains("\"name\":\"Family\"");
            assertThat(indexVersion()).isEqualTo(indexVersion);

            // A parameter change: the list goes to bob, its bucket with it.
            storage.sql("UPDATE lists SET owner_id = ? WHERE id = ?", bob, home);
            List<JsonNode> lost = aliceStream.untilCheckpointComplete();
            assertThat(lost.get(0).at("/checkpoint_diff/removed_buckets")).extracting(JsonNode::textValue)
                    .containsExactly(homeBucket);
            assertThat(lost.get(0).at("/checkpoint_diff/updated_buckets")).isEmpty();
            assertThat(lost).filteredOn(line -> line.has("data")).isEmpty();
            aliceClient.apply(lost);
            assertThat(aliceClient.buckets()).containsOnlyKeys(workBucket);
            assertThat(indexVersion()).isGreaterThan(indexVersion);

            List<JsonNode> bobGained = bobStream.untilCheckpointComplete();
            assertThat(bobGained.get(0).at("/checkpoint_diff/updated_buckets")).extracting(b -> b.get("bucket").textValue())
                    .containsExactly(homeBucket);
            bobClient.apply(bobGained);
            bobClient.assertChecksumsMatch();
            assertThat(bobClient.objects(homeBucket)).containsOnlyKeys("lists/" + home, "todos/" + bread);
            assertThat(bobClient.objects(homeBucket).get("lists/" + home)).contains("\"owner_id\":\"" + bob + "\"");

            // Given back: alice dropped the bucket, so it is sent again from the start.
            storage.sql("UPDATE lists SET owner_id = ? WHERE id = ?", alice, home);
            List<JsonNode> regained = aliceStream.untilCheckpointComplete();
            assertThat(regained).filteredOn(line -> line.has("data") && line.at("/data/bucket").textValue().equals(homeBucket))
                    .first().satisfies(line -> assertThat(line.at("/data/after").textValue()).isEqualTo("0"));
            aliceClient.apply(regained);
            aliceClient.assertChecksumsMatch();
            assertThat(aliceClient.objects(homeBucket)).containsOnlyKeys("lists/" + home, "todos/" + bread);
            bobClient.apply(bobStream.untilCheckpointComplete());
            assertThat(bobClient.buckets()).doesNotContainKey(homeBucket);

            // Deleting a list (its todos go with it) removes its bucket.
            storage.sql("DELETE FROM lists WHERE id = ?", work);
            List<JsonNode> deleted = aliceStream.untilCheckpointComplete();
            assertThat(deleted.get(0).at("/checkpoint_diff/removed_buckets")).extracting(JsonNode::textValue)
                    .containsExactly(workBucket);
            aliceClient.apply(deleted);
            aliceClient.assertChecksumsMatch();
            assertThat(aliceClient.buckets()).containsOnlyKeys(homeBucket);
        }
    }

    @Test
    void aBucketLostWhileOfflineIsSentFromTheStartWhenItComesBack() {
        String carol = "carol-" + UUID.randomUUID();
        UUID list = UUID.randomUUID();
        String listBucket = bucket(list);
        SyncedClient client = new SyncedClient();
        try (StreamClient stream = open(carol)) {
            client.apply(stream.untilCheckpointComplete());
            storage.transaction(
                    new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Trip', ?)", list, carol },
                    new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'Tent', ?, ?)",
                            UUID.randomUUID(), carol, list });
            client.apply(stream.untilCheckpointComplete());
            assertThat(client.objects(listBucket)).hasSize(2);
        }
        storage.sql("UPDATE lists SET owner_id = 'someone-else' WHERE id = ?", list);
        await().atMost(Duration.ofSeconds(30)).until(() -> "[\"someone-else\"]".equals(
                storage.text("SELECT lookup FROM relay_sync.parameter_index WHERE row_key = '" + list + "'")));
        String offlinePositions = client.reconnectBody(carol + "-device");
        assertThat(offlinePositions).contains(listBucket.replace("\"", "\\\""));

        try (StreamClient stream = StreamClient.open(streamUri, TOKENS.issue(carol, Duration.ofMinutes(5)), offlinePositions)) {
            List<JsonNode> reconnected = stream.untilCheckpointComplete();
            assertThat(reconnected.get(0).at("/checkpoint/buckets")).as("the list is not hers any more").isEmpty();
            client.apply(reconnected);

            storage.sql("UPDATE lists SET owner_id = ? WHERE id = ?", carol, list);
            List<JsonNode> back = stream.untilCheckpointComplete();
            assertThat(back).filteredOn(line -> line.has("data")).first()
                    .satisfies(line -> assertThat(line.at("/data/after").textValue()).isEqualTo("0"));
            client.apply(back);
            client.assertChecksumsMatch();
            assertThat(client.objects(listBucket)).hasSize(2);
        }
    }

    @Test
    void listsThatExistedBeforeStartAreFoundThroughTheIndexTheSnapshotBuilt() {
        try (StreamClient stream = open(PostgresResource.SEED_USER)) {
            List<JsonNode> lines = stream.untilCheckpointComplete();
            SyncedClient client = new SyncedClient();
            client.apply(lines);
            client.assertChecksumsMatch();
            String seedBucket = "user_lists[\"" + PostgresResource.SEED_LIST + "\"]";
            assertThat(client.buckets()).containsOnlyKeys(seedBucket);
            assertThat(client.objects(seedBucket)).containsOnlyKeys("lists/" + PostgresResource.SEED_LIST,
                    "todos/" + PostgresResource.SEED_TODO);
        }
    }

    private long indexVersion() {
        return storage.scalar("SELECT last_change_op_id FROM relay_sync.parameter_index_state");
    }

    private static String bucket(UUID list) {
        return "user_lists[\"" + list + "\"]";
    }

    /** The ops of a bucket in these lines, as "OP type/id". */
    private static List<String> ops(List<JsonNode> lines, String bucket) {
        return lines.stream().filter(line -> line.has("data") && line.at("/data/bucket").textValue().equals(bucket))
                .flatMap(line -> StreamSupport.stream(line.at("/data/data").spliterator(), false))
                .map(op -> op.get("op").textValue() + " " + op.get("object_type").textValue() + "/" + op.get("object_id").textValue())
                .toList();
    }

    private StreamClient open(String user) {
        return StreamClient.open(streamUri, TOKENS.issue(user, Duration.ofMinutes(5)),
                "{\"client_id\":\"" + user + "-device\",\"raw_data\":true,\"include_checksum\":true,\"buckets\":[]}");
    }
}

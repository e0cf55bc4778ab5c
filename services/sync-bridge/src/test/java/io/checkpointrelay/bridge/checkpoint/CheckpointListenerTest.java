package io.checkpointrelay.bridge.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.bucket.StorageTables;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.replication.SourceConnections;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A bridge that does not replicate hears the replicating bridge's storage commits through LISTEN
 * and wakes only the streams they concern. The commits of the running bridge are announced the same
 * way ({@code BucketBatch.commit}); here the test sends a notice as another bridge would.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class CheckpointListenerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SourceConnections connections;

    @Inject
    BucketReader reader;

    @Inject
    StorageTables tables;

    @Inject
    CheckpointListener runningBridge;

    @Test
    void storageCommitsAnnouncedByAnotherBridgeWakeStreamsWithWhatChanged() throws Exception {
        Storage storage = new Storage(dataSource);
        // Its own channel and notifier, so the running bridge's streams never hear this made-up checkpoint.
        StorageTables otherStorage = new StorageTables("leadership_test_" + UUID.randomUUID().toString().substring(0, 8));
        CheckpointNotifier streams = new CheckpointNotifier();
        List<CheckpointChanges> heard = new CopyOnWriteArrayList<>();
        streams.checkpoints(heard::add).subscribe().with(checkpoint -> {
        });
        CheckpointListener otherListener = new CheckpointListener(connections, reader, streams, new ReplicationStatus(), otherStorage);
        otherListener.onStart(null);
        try {
            await().atMost(WAIT).until(otherListener::listening);
            long next = streams.latest() + 1000;
            ClientKey client = new ClientKey("leadership-user", UUID.randomUUID().toString());
            storage.sql("SELECT pg_notify(?, ?)", otherStorage.checkpointChannel(),
                    CheckpointNotice.payload(CheckpointChanges.of(next, List.of("by_user[\"leadership-user\"]"), List.of(client), false)));

            await().atMost(WAIT).until(() -> streams.latest() == next);
            CheckpointChanges announced = heard.stream().filter(changes -> changes.lastOpId() == next).findFirst().orElseThrow();
            assertThat(announced.concerns(Set.of("by_user[\"leadership-user\"]"), "someone", null, false)).isTrue();
            assertThat(announced.concerns(Set.of("by_user[\"other\"]"), "leadership-user", client.clientId(), false)).isTrue();
            assertThat(announced.concerns(Set.of("by_user[\"other\"]"), "other", "other-device", false))
                    .as("a stream of another user and client is not woken").isFalse();
        } finally {
            otherListener.onStop(null);
        }
    }

    @Test
    void theRunningBridgeListensOnItsStoragesChannel() {
        await().atMost(WAIT).until(runningBridge::listening);
        Storage storage = new Storage(dataSource);
        assertThat(storage.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'relay-sync-bridge-listen%'"))
                .isPositive();
        assertThat(tables.checkpointChannel()).isEqualTo("relay_checkpoints.relay_sync");
        assertThat(new StorageTables("s".repeat(63)).checkpointChannel().length()).isLessThanOrEqualTo(63);
    }
}

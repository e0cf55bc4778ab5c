package io.checkpointrelay.applier.apply;

import static io.checkpointrelay.applier.Batches.batch;
import static io.checkpointrelay.applier.Batches.newId;
import static io.checkpointrelay.applier.Batches.newList;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.InjectStack;
import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.applier.Stack;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Bytes that are not a queued batch stop the applier instead of being dropped with what follows them. */
@QuarkusTest
@TestProfile(UnreadableRecordTest.OwnApplication.class)
@WithTestResource(RelayStackResource.class)
class UnreadableRecordTest {

    /** This test stops the channel for good, so it gets an application (and infrastructure) of its own. */
    public static class OwnApplication implements QuarkusTestProfile {
    }

    @InjectStack
    Stack stack;

    @Test
    void anUnreadableRecordStopsTheChannelBeforeTheBatchesBehindIt() {
        String user = "user-" + newId();
        String laterList = newId();
        RecordMetadata poison = stack.sendRaw(new ClientKey(user, "c1").toKafkaKey(),
                "{\"version\":1,\"entries\":".getBytes(StandardCharsets.UTF_8));
        stack.send(batch(user, "c1", 1L, newList(laterList, "behind the unreadable record", user)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(503)
                .body("status", equalTo("DOWN")));

        assertThat(stack.checkpoint(user, "c1")).isEmpty();
        assertThat(stack.row("SELECT id FROM lists WHERE id = ?::uuid", laterList)).isEmpty();
        assertThat(stack.committedOffset("write-applier", poison)).isLessThanOrEqualTo(poison.offset());
    }
}

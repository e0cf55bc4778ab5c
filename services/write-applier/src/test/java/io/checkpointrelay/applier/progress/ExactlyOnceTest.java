package io.checkpointrelay.applier.progress;

import static io.checkpointrelay.applier.Batches.batch;
import static io.checkpointrelay.applier.Batches.newId;
import static io.checkpointrelay.applier.Batches.newList;
import static io.checkpointrelay.applier.Batches.patch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.InjectStack;
import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.applier.Stack;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Each record is applied once: a client's retry of a batch (new upload, same entries) and a
 * record delivered again are recognised, and the partition position moves in the batch's own
 * transaction. Row state cannot show a second PUT of the same values, so an audit trigger
 * counts every write to {@code lists}.
 */
@QuarkusTest
@WithTestResource(RelayStackResource.class)
class ExactlyOnceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectStack
    Stack stack;

    @Inject
    Mutiny.SessionFactory sessionFactory;

    @Inject
    ConsumerPositions positions;

    @BeforeEach
    void auditListWrites() throws Exception {
        stack.postgres().execute(RelayStackResource.DATABASE, """
                CREATE TABLE IF NOT EXISTS lists_audit (seq bigserial PRIMARY KEY, id uuid, name text);
                CREATE OR REPLACE FUNCTION audit_list() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO lists_audit (id, name) VALUES (NEW.id, NEW.name); RETURN NEW; END $$;
                CREATE OR REPLACE TRIGGER lists_audit AFTER INSERT OR UPDATE ON lists FOR EACH ROW EXECUTE FUNCTION audit_list();
                """);
    }

    @Test
    void aClientsRetryOfABatchIsAppliedOnceEvenWhenItArrivesAfterTheNextBatch() throws Exception {
        String user = "user-" + newId();
        String list = newId();
        QueuedBatch first = batch(user, "c1", 1L, newList(list, "v1", user));
        // The same entries uploaded again (the client lost the answer): a new batch id, maybe a newer request id.
        QueuedBatch retry = new QueuedBatch(QueuedBatch.VERSION, newId(), user, "c1", first.entries(), 2L, Instant.now());
        stack.send(first, retry, batch(user, "c1", 3L, patch("lists", list, "name", "v2")), retry,
                batch(user, "c1", 4L, patch("lists", list, "name", "v3")));

        await().atMost(WAIT).until(() -> stack.checkpoint(user, "c1").orElse(0L) == 4L);
        assertThat(auditedNames(list)).containsExactly("v1", "v2", "v3");
    }

    @Test
    void theSameRecordSentTwiceIsAppliedOnce() throws Exception {
        String user = "user-" + newId();
        String list = newId();
        QueuedBatch once = batch(user, "c1", 1L, newList(list, "once", user));
        stack.send(once, once, batch(user, "c1", 2L, patch("lists", list, "name", "after")));

        await().atMost(WAIT).until(() -> stack.checkpoint(user, "c1").orElse(0L) == 2L);
        assertThat(auditedNames(list)).containsExactly("once", "after");
    }

    @Test
    void aPositionIsClaimedOnceAndNeverMovesBack() throws Throwable {
        RecordPosition position = new RecordPosition("claim-test-" + newId(), 0, 41);
        assertThat(claim(position)).isTrue();
        assertThat(claim(position)).as("the same record again").isFalse();
        assertThat(claim(new RecordPosition(position.topic(), 0, 40))).as("an older record").isFalse();
        assertThat(claim(new RecordPosition(position.topic(), 1, 40))).as("another partition").isTrue();
        assertThat(claim(new RecordPosition(position.topic(), 0, 42))).as("the next record").isTrue();
        assertThat(VertxContextSupport.<java.util.Map<Integer, Long>>subscribeAndAwait(
                () -> sessionFactory.withSession(s -> positions.nextOffsets(s, position.topic()))))
                .containsEntry(0, 43L).containsEntry(1, 41L);
    }

    @Test
    void ofTwoInstancesApplyingTheSameRecordAtOnceOnlyOneClaimsIt() throws Exception {
        RecordPosition position = new RecordPosition("race-test-" + newId(), 3, 7);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Boolean>> racers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            racers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                    return claim(position);
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        start.countDown();
        assertThat(racers.stream().map(CompletableFuture::join)).containsExactlyInAnyOrder(true, false, false, false);
    }

    private boolean claim(RecordPosition position) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> sessionFactory.withTransaction(s -> positions.claim(s, position)));
    }

    private List<String> auditedNames(String list) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = stack.postgres().connect(RelayStackResource.DATABASE); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM lists_audit WHERE id = '" + list + "' ORDER BY seq")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}

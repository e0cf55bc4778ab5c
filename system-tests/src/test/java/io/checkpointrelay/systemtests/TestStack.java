package io.checkpointrelay.systemtests;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.function.UnaryOperator;

import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.TestInfrastructure;

/**
 * What the system tests share: a temporary stack on the {@link TestInfrastructure selected}
 * Kafka and PostgreSQL, whose logs stay under target/ for diagnosis. Test classes that start one
 * are marked {@link io.checkpointrelay.stack.UsesTestInfrastructure}.
 */
final class TestStack {

    /** Generous for a busy two-core machine; a healthy stack answers in well under a second. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private TestStack() {
    }

    static LocalStack start(Class<?> test) throws Exception {
        return start(test, UnaryOperator.identity());
    }

    /** @param options further builder settings, e.g. a service's {@code config} */
    static LocalStack start(Class<?> test, UnaryOperator<LocalStack.Builder> options) throws Exception {
        return options.apply(LocalStack.builder()
                .infrastructure(TestInfrastructure.selected())
                .logDirectory(Path.of("target", "it-logs", test.getSimpleName())))
                .start();
    }

    /** Waits until write-applier has stored at least {@code checkpoint} for the client. */
    static void awaitStoredCheckpoint(LocalStack stack, String userId, String clientId, long checkpoint) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (Connection db = stack.postgres().connect(LocalStack.DATABASE);
                PreparedStatement query = db.prepareStatement("SELECT checkpoint FROM checkpoints WHERE user_id = ? AND client_id = ?")) {
            query.setString(1, userId);
            query.setString(2, clientId);
            while (true) {
                try (ResultSet rs = query.executeQuery()) {
                    if (rs.next() && rs.getLong(1) >= checkpoint) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("write-applier did not store checkpoint " + checkpoint + " for " + userId + "/" + clientId
                            + " within " + WAIT.toSeconds() + " s; log: " + stack.logDirectory().resolve("write-applier.log"));
                }
                Thread.sleep(20);
            }
        }
    }
}

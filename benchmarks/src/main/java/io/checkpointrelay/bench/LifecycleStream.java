package io.checkpointrelay.bench;

import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.CheckpointStage;
import io.checkpointrelay.protocol.upload.ClientKey;

/**
 * The lifecycle events of many clients that each post one checkpoint request after the other,
 * as the services emit them: for a window of clients, every {@code requested} (upload-api), then
 * every {@code applied} (write-applier), every {@code replicated} and every {@code delivered}
 * (sync-bridge), then the next window; after the last window the next round, with each client's
 * next request id. So each client waits while other clients' events pass, as it does in
 * production, and every request is delivered in the end. Each event is made when it is taken
 * ({@link CheckpointEvent}'s time is now).
 */
final class LifecycleStream {

    private static final CheckpointStage[] STAGES = { CheckpointStage.REQUESTED, CheckpointStage.APPLIED, CheckpointStage.REPLICATED,
            CheckpointStage.DELIVERED };

    private final ClientKey[] clients;
    private final String[] kafkaKeys;
    private final int window;
    private long round;
    private int windowStart;
    private int stage;
    private int index;

    /** @param window clients whose requests are under way at once */
    LifecycleStream(int clients, int window) {
        this.clients = new ClientKey[clients];
        this.kafkaKeys = new String[clients];
        for (int i = 0; i < clients; i++) {
            // Two devices per user, as a user with a phone and a laptop.
            this.clients[i] = new ClientKey("user-" + i / 2, "client-" + i);
            this.kafkaKeys[i] = this.clients[i].toKafkaKey();
        }
        this.window = Math.min(window, clients);
    }

    /** An event and its Kafka key ({@link ClientKey#toKafkaKey()}). */
    record Keyed(String key, CheckpointEvent event) {
    }

    /** Events per round: four stages of one request per client. */
    long eventsPerRound() {
        return 4L * clients.length;
    }

    Keyed next() {
        int client = windowStart + index;
        long requestId = round + 1;
        ClientKey key = clients[client];
        CheckpointEvent event = switch (STAGES[stage]) {
            case REQUESTED -> CheckpointEvent.requested(key, requestId, false, "upload-api@bench/1");
            case APPLIED -> CheckpointEvent.applied(key, requestId, "write-applier@bench/2");
            case REPLICATED -> CheckpointEvent.replicated(key, requestId, "sync-bridge@bench/3");
            default -> CheckpointEvent.delivered(key, requestId, "sync-bridge@bench/3");
        };
        Keyed next = new Keyed(kafkaKeys[client], event);
        int windowSize = Math.min(window, clients.length - windowStart);
        if (++index == windowSize) {
            index = 0;
            if (++stage == STAGES.length) {
                stage = 0;
                windowStart += windowSize;
                if (windowStart == clients.length) {
                    windowStart = 0;
                    round++;
                }
            }
        }
        return next;
    }
}

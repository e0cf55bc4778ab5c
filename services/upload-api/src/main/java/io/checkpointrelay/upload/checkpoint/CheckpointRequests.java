package io.checkpointrelay.upload.checkpoint;


import jakarta.enterprise.context.ApplicationScoped;

import io.checkpointrelay.events.LifecycleEvents;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.checkpointrelay.upload.queue.UploadQueue;
import io.smallrye.mutiny.Uni;

/**
 * Accepts checkpoint requests in custom mode: records the id, then queues it behind the
 * client's earlier batches, so the write-applier writes the checkpoint row after the data it
 * covers. Recording comes first: when queueing fails after the id was recorded, the client
 * re-posts the same id, which is equal to the stored one and so is queued again.
 */
@ApplicationScoped
public class CheckpointRequests {

    private final CheckpointRequestStore store;
    private final UploadQueue queue;
    private final LifecycleEvents events;

    public CheckpointRequests(CheckpointRequestStore store, UploadQueue queue, LifecycleEvents events) {
        this.store = store;
        this.queue = queue;
        this.events = events;
    }

    /**
     * A greater or equal id is recorded and queued (an equal one again: the first post may
     * never have reached the writer); a stale one changes nothing and queues nothing.
     *
     * @return the effective id, the greatest ever accepted for (user, client), once Kafka has
     *         acknowledged the request (when one was queued)
     */
    public Uni<Long> request(String userId, String clientId, long requestId) {
        return store.record(userId, clientId, requestId)
                .call(recorded -> recorded.effective() == requestId
                        ? queue.enqueue(QueuedBatch.checkpointRequest(userId, clientId, requestId))
                                .invoke(() -> events.requested(new ClientKey(userId, clientId), requestId, recorded.repost()))
                        : Uni.createFrom().voidItem())
                .map(RecordedRequest::effective);
    }
}

package io.checkpointrelay.applier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.checkpointrelay.protocol.upload.CrudEntry;
import io.checkpointrelay.protocol.upload.CrudOp;
import io.checkpointrelay.protocol.upload.QueuedBatch;

/** Builds queued batches as upload-api would put them on the topic. */
public final class Batches {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong OP_IDS = new AtomicLong();

    private Batches() {
    }

    public static QueuedBatch batch(String userId, String clientId, Long checkpointRequestId, CrudEntry... entries) {
        return new QueuedBatch(QueuedBatch.VERSION, UUID.randomUUID().toString(), userId, clientId, List.of(entries),
                checkpointRequestId, Instant.now());
    }

    public static CrudEntry put(String table, String id, Object... columnsAndValues) {
        return entry(CrudOp.PUT, table, id, data(columnsAndValues));
    }

    public static CrudEntry patch(String table, String id, Object... columnsAndValues) {
        return entry(CrudOp.PATCH, table, id, data(columnsAndValues));
    }

    public static CrudEntry delete(String table, String id) {
        return entry(CrudOp.DELETE, table, id, null);
    }

    /** A list owned by the user, as the demo app creates one. */
    public static CrudEntry newList(String id, String name, String ownerId) {
        return put("lists", id, "name", name, "owner_id", ownerId, "created_at", "2024-05-01T10:00:00Z");
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    private static CrudEntry entry(CrudOp op, String table, String id, ObjectNode data) {
        return new CrudEntry(op, table, id, data, OP_IDS.incrementAndGet(), null);
    }

    /** Values as a client sends them: strings, numbers (SQLite integers for booleans) and nulls. */
    private static ObjectNode data(Object... columnsAndValues) {
        ObjectNode data = JSON.createObjectNode();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            data.set((String) columnsAndValues[i], JSON.valueToTree(columnsAndValues[i + 1]));
        }
        return data;
    }
}

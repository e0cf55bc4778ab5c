package io.checkpointrelay.stack.demo;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.checkpointrelay.protocol.upload.CrudEntry;
import io.checkpointrelay.protocol.upload.CrudOp;

/**
 * The local writes one device of the demo todo-list app ({@code deploy/demo}) makes, as the
 * upload queue entries a stock SDK hands to {@code uploadData}: op ids count up per device and
 * never repeat (upload-api recognises retried entries by them), values are SQLite-typed
 * (booleans as 0/1, timestamps as ISO text).
 */
public final class TodoListWrites {

    private final String userId;
    private long nextOpId;
    private long txId;

    /**
     * @param userId   the signed-in user, written into the owner columns
     * @param nextOpId the op id of the next entry (1 on a fresh device)
     */
    public TodoListWrites(String userId, long nextOpId) {
        this.userId = userId;
        this.nextOpId = nextOpId;
        this.txId = nextOpId;
    }

    /** Starts a local transaction: entries until the next call share one {@code tx_id}. */
    public TodoListWrites transaction() {
        txId = nextOpId;
        return this;
    }

    public CrudEntry newList(UUID id, String name) {
        ObjectNode data = JsonNodeFactory.instance.objectNode()
                .put("created_at", Instant.now().toString())
                .put("name", name)
                .put("owner_id", userId);
        return entry(CrudOp.PUT, "lists", id, data);
    }

    public CrudEntry newTodo(UUID id, UUID listId, String description) {
        ObjectNode data = JsonNodeFactory.instance.objectNode()
                .put("created_at", Instant.now().toString())
                .put("description", description)
                .put("completed", 0)
                .put("created_by", userId)
                .put("list_id", listId.toString());
        return entry(CrudOp.PUT, "todos", id, data);
    }

    public CrudEntry completeTodo(UUID id) {
        ObjectNode data = JsonNodeFactory.instance.objectNode()
                .put("completed", 1)
                .put("completed_at", Instant.now().toString())
                .put("completed_by", userId);
        return entry(CrudOp.PATCH, "todos", id, data);
    }

    public CrudEntry deleteTodo(UUID id) {
        return entry(CrudOp.DELETE, "todos", id, null);
    }

    /** The op id the next entry gets: keep it to continue on this device later. */
    public long nextOpId() {
        return nextOpId;
    }

    private CrudEntry entry(CrudOp op, String table, UUID id, ObjectNode data) {
        return new CrudEntry(op, table, id.toString(), data, nextOpId++, txId);
    }
}

package io.checkpointrelay.upload.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.checkpointrelay.protocol.schema.AppSchema;
import io.checkpointrelay.protocol.upload.CheckpointRequestId;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.CrudEntry;
import io.checkpointrelay.protocol.upload.CrudOp;
import io.checkpointrelay.upload.config.RelayConfig;

/**
 * Reads a {@code POST /api/data} body into an {@link UploadRequest}, checking all of it
 * against the application schema first: a batch is queued whole or not at all, so anything
 * the write-applier could not apply is refused here, while the client can still fix it.
 */
@ApplicationScoped
public class UploadRequestReader {

    /** Enough to show what is wrong without echoing a whole rejected batch back. */
    private static final int MAX_REPORTED_PROBLEMS = 10;

    private final AppSchema schema;
    private final int maxEntries;

    public UploadRequestReader(AppSchema schema, RelayConfig config) {
        this.schema = schema;
        this.maxEntries = config.upload().maxEntries();
    }

    /**
     * @param userId the writer (the token's subject): rows it writes in owned tables must name it as owner
     * @throws InvalidUploadException naming every problem found (up to a few)
     */
    public UploadRequest read(JsonNode body, String userId) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw new InvalidUploadException("The body must be a JSON object with client_id and batch");
        }
        if (!body.isObject()) {
            throw new InvalidUploadException("The body must be a JSON object, got " + kind(body));
        }
        String clientId = clientId(body.get("client_id"));
        Long checkpointRequestId = checkpointRequestId(body.get("checkpoint_request_id"));
        List<CrudEntry> entries = entries(body.get("batch"), userId);
        if (entries.isEmpty() && checkpointRequestId == null) {
            throw new InvalidUploadException("batch is empty and there is no checkpoint_request_id: nothing to queue");
        }
        return new UploadRequest(clientId, entries, checkpointRequestId);
    }

    /**
     * Reads a {@code POST /api/checkpoint-request} body: {@code client_id} and
     * {@code checkpoint_request_id}, both required, checked as in an upload.
     *
     * @throws InvalidUploadException saying what is wrong
     */
    public CheckpointRequest readCheckpointRequest(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode() || !body.isObject()) {
            throw new InvalidUploadException("The body must be a JSON object with client_id and checkpoint_request_id, got "
                    + (body == null || body.isMissingNode() ? "nothing" : kind(body)));
        }
        String clientId = clientId(body.get("client_id"));
        Long checkpointRequestId = checkpointRequestId(body.get("checkpoint_request_id"));
        if (checkpointRequestId == null) {
            throw new InvalidUploadException("checkpoint_request_id is missing");
        }
        return new CheckpointRequest(clientId, checkpointRequestId);
    }

    private static String clientId(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new InvalidUploadException("client_id is missing");
        }
        if (!node.isTextual()) {
            throw new InvalidUploadException("client_id must be a string, got " + kind(node));
        }
        String clientId = node.asText();
        if (clientId.isBlank()) {
            throw new InvalidUploadException("client_id must not be blank");
        }
        if (clientId.length() > ClientKey.MAX_CLIENT_ID_LENGTH) {
            throw new InvalidUploadException("client_id is " + clientId.length() + " characters long, at most "
                    + ClientKey.MAX_CLIENT_ID_LENGTH + " are allowed");
        }
        return clientId;
    }

    private static Long checkpointRequestId(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return CheckpointRequestId.parse(node);
        } catch (IllegalArgumentException e) {
            throw new InvalidUploadException(e.getMessage());
        }
    }

    private List<CrudEntry> entries(JsonNode batch, String userId) {
        if (batch == null || batch.isNull()) {
            return List.of();
        }
        if (!batch.isArray()) {
            throw new InvalidUploadException("batch must be an array of CRUD entries, got " + kind(batch));
        }
        if (batch.size() > maxEntries) {
            throw new InvalidUploadException("batch has " + batch.size() + " entries, at most " + maxEntries
                    + " are allowed per request: upload in smaller batches");
        }
        List<CrudEntry> entries = new ArrayList<>(batch.size());
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            String where = "batch[" + i + "]: ";
            List<String> entryProblems = new ArrayList<>();
            CrudEntry entry = entry(batch.get(i), entryProblems);
            if (entryProblems.isEmpty()) {
                entryProblems.addAll(schema.problems(entry));
            }
            if (entryProblems.isEmpty()) {
                String ownership = schema.ownershipProblem(entry, userId);
                if (ownership != null) {
                    entryProblems.add(ownership);
                }
            }
            entryProblems.forEach(problem -> problems.add(where + problem));
            entries.add(entry);
        }
        if (!problems.isEmpty()) {
            throw new InvalidUploadException(summary(problems));
        }
        return entries;
    }

    /** The entry in SDK shape; structural problems go to {@code problems}, schema checks come after. */
    private static CrudEntry entry(JsonNode node, List<String> problems) {
        if (!node.isObject()) {
            problems.add("must be a CRUD entry object, got " + kind(node));
            return null;
        }
        CrudOp op = op(node.get("op"), problems);
        String type = requiredText(node, "type", problems);
        String id = requiredText(node, "id", problems);
        ObjectNode data = null;
        JsonNode dataNode = node.get("data");
        if (dataNode != null && !dataNode.isNull()) {
            if (dataNode.isObject()) {
                data = (ObjectNode) dataNode;
            } else {
                problems.add("data must be an object of column values, got " + kind(dataNode));
            }
        }
        Long opId = optionalLong(node, "op_id", problems);
        Long txId = optionalLong(node, "tx_id", problems);
        return new CrudEntry(op, type, id, data, opId, txId);
    }

    private static CrudOp op(JsonNode node, List<String> problems) {
        if (node != null && node.isTextual()) {
            for (CrudOp op : CrudOp.values()) {
                if (op.name().equals(node.asText())) {
                    return op;
                }
            }
        }
        problems.add("op must be PUT, PATCH or DELETE, got " + (node == null ? "nothing" : node.toString()));
        return null;
    }

    private static String requiredText(JsonNode entry, String field, List<String> problems) {
        JsonNode node = entry.get(field);
        if (node == null || node.isNull()) {
            problems.add(field + " is missing");
            return null;
        }
        if (!node.isTextual() || node.asText().isEmpty()) {
            problems.add(field + " must be a non-empty string, got " + node);
            return null;
        }
        return node.asText();
    }

    private static Long optionalLong(JsonNode entry, String field, List<String> problems) {
        JsonNode node = entry.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            problems.add(field + " must be an integer, got " + node);
            return null;
        }
        return node.asLong();
    }

    /** Problems joined into one message, at most a few of them. */
    static String summary(List<String> problems) {
        if (problems.size() <= MAX_REPORTED_PROBLEMS) {
            return String.join("; ", problems);
        }
        return String.join("; ", problems.subList(0, MAX_REPORTED_PROBLEMS))
                + "; and " + (problems.size() - MAX_REPORTED_PROBLEMS) + " more problems";
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}

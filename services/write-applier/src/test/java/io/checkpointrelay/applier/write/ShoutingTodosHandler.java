package io.checkpointrelay.applier.write;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.checkpointrelay.protocol.upload.CrudEntry;
import io.smallrye.mutiny.Uni;

/**
 * A backend's rule for todos, as a test app would declare one: a todo saying "forbidden" is
 * refused, "shout: x" is stored as "X", and "sneak: x" tries to write a column the schema does
 * not have. Every other todo takes the generic write, so the module's other tests are unaffected.
 */
@ApplicationScoped
public class ShoutingTodosHandler implements TableWriteHandler {

    @Override
    public String table() {
        return "todos";
    }

    @Override
    public Uni<Void> write(TableWrite write) {
        CrudEntry entry = write.entry();
        String description = entry.data() == null ? null : entry.data().path("description").asText(null);
        if ("forbidden".equals(description)) {
            return Uni.createFrom().failure(new WriteRejectedException("a todo may not say 'forbidden'"));
        }
        if (description != null && description.startsWith("shout: ")) {
            ObjectNode data = entry.data().deepCopy();
            data.put("description", description.substring(7).toUpperCase(Locale.ROOT));
            return write.apply(new CrudEntry(entry.op(), entry.type(), entry.id(), data, entry.opId(), entry.txId()));
        }
        if (description != null && description.startsWith("sneak: ")) {
            ObjectNode data = entry.data().deepCopy();
            data.put("is_admin", true);
            return write.apply(new CrudEntry(entry.op(), entry.type(), entry.id(), data, entry.opId(), entry.txId()));
        }
        return write.applyAsIs();
    }
}

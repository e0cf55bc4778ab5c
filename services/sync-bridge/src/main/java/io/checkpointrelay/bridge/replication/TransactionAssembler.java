package io.checkpointrelay.bridge.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.checkpointrelay.bridge.bucket.ChangeSet;
import io.checkpointrelay.bridge.bucket.RowChange;
import io.checkpointrelay.bridge.checkpoint.CheckpointsTable;
import io.checkpointrelay.bridge.checkpoint.WriteCheckpoint;
import io.checkpointrelay.bridge.rules.Row;
import io.checkpointrelay.bridge.rules.SourceTable;
import io.checkpointrelay.bridge.rules.SyncRules;
import io.checkpointrelay.protocol.upload.ClientKey;

/**
 * Buffers the messages of one source transaction from Begin to Commit and turns them into a
 * {@link ChangeSet}: changes of synced tables, write checkpoints from the checkpoints table, and
 * the bridge's own messages ({@link RelayMessages}). Other tables of the publication are ignored.
 * One assembler per replication session.
 */
final class TransactionAssembler {

    private final SyncRules rules;
    private final CheckpointsTable checkpointsTable;
    private final Map<Integer, RelationInfo> relations = new HashMap<>();

    private boolean inTransaction;
    private List<RowChange> changes = new ArrayList<>();
    private List<WriteCheckpoint> writeCheckpoints = new ArrayList<>();
    private boolean requestsCheckpoint;
    /** Clients of the checkpoint requests in this transaction; null once one named no client. */
    private List<ClientKey> requesters = new ArrayList<>();
    private boolean heartbeat;

    TransactionAssembler(SyncRules rules, CheckpointsTable checkpointsTable) {
        this.rules = rules;
        this.checkpointsTable = checkpointsTable;
    }

    /** Between a Begin and its Commit. */
    boolean inTransaction() {
        return inTransaction;
    }

    /** Consumes one message; returns the transaction when the message is its Commit. */
    CommittedTransaction accept(PgOutputMessage message) {
        switch (message) {
            case PgOutputMessage.Begin begin -> {
                inTransaction = true;
                reset();
            }
            case PgOutputMessage.Commit commit -> {
                inTransaction = false;
                CommittedTransaction committed = new CommittedTransaction(new ChangeSet(changes, writeCheckpoints, requestsCheckpoint, requesters),
                        commit.endLsn(), commit.commitTime(), heartbeat);
                reset();
                return committed;
            }
            case PgOutputMessage.Relation relation -> relations.put(relation.id(), RelationInfo.of(relation));
            case PgOutputMessage.Insert insert -> upsert(relation(insert.relationId()), null, insert.newRow(), true);
            case PgOutputMessage.Update update -> upsert(relation(update.relationId()), update.oldRow(), update.newRow(), false);
            case PgOutputMessage.Delete delete -> {
                RelationInfo relation = relation(delete.relationId());
                if (rules.syncs(relation.table())) {
                    changes.add(new RowChange.Delete(relation.table(), relation.key(relation.row(delete.oldRow()))));
                }
            }
            case PgOutputMessage.Truncate truncate -> {
                for (int id : truncate.relationIds()) {
                    SourceTable table = relation(id).table();
                    if (rules.syncs(table)) {
                        changes.add(new RowChange.Truncate(table));
                    }
                }
            }
            case PgOutputMessage.LogicalMessage logical -> {
                // Only the bridge's own, transactional messages mean something here.
                if (inTransaction && RelayMessages.PREFIX.equals(logical.prefix())) {
                    Optional<ClientKey> requester = RelayMessages.checkpointRequester(logical.content());
                    if (requester != null) {
                        requestsCheckpoint = true;
                        if (requesters != null && requester.isPresent()) {
                            requesters.add(requester.get());
                        } else {
                            requesters = null;
                        }
                    }
                    heartbeat |= RelayMessages.HEARTBEAT.equals(logical.content());
                }
            }
            case PgOutputMessage.Ignored ignored -> {
                // Origin and Type carry nothing the bridge needs.
            }
        }
        return null;
    }

    private void reset() {
        changes = new ArrayList<>();
        writeCheckpoints = new ArrayList<>();
        requestsCheckpoint = false;
        requesters = new ArrayList<>();
        heartbeat = false;
    }

    private void upsert(RelationInfo relation, TupleData oldTuple, TupleData newTuple, boolean inserted) {
        SourceTable table = relation.table();
        Row row = relation.row(newTuple);
        if (checkpointsTable.is(table)) {
            checkpointsTable.writeCheckpoint(row).ifPresent(writeCheckpoints::add);
        }
        if (rules.syncs(table)) {
            if (!row.hasUnchangedValues()) {
                row.json(); // every stored row needs it: computed here, while storage writes the previous batch
            }
            String key = relation.key(row);
            String previousKey = oldTuple == null ? null : relation.key(relation.row(oldTuple));
            changes.add(new RowChange.Upsert(table, key, key.equals(previousKey) ? null : previousKey, row, inserted));
        }
    }

    private RelationInfo relation(int id) {
        RelationInfo relation = relations.get(id);
        if (relation == null) {
            throw new IllegalStateException("pgoutput sent a change of relation " + id + " before describing it");
        }
        return relation;
    }
}

package io.checkpointrelay.bridge.replication;

import java.time.Instant;
import java.util.List;

import org.postgresql.replication.LogSequenceNumber;

/** The pgoutput (protocol version 1) messages the bridge uses; others decode to {@link Ignored}. */
public sealed interface PgOutputMessage {

    /** A transaction starts; {@code finalLsn} is the LSN of its commit record. */
    record Begin(LogSequenceNumber finalLsn, Instant commitTime, int xid) implements PgOutputMessage {
    }

    /** The transaction committed; {@code endLsn} is the end of its commit record (the position to acknowledge). */
    record Commit(LogSequenceNumber commitLsn, LogSequenceNumber endLsn, Instant commitTime) implements PgOutputMessage {
    }

    /** Describes a table before its first change in a session (and again after it changed). */
    record Relation(int id, String namespace, String name, char replicaIdentity, List<Column> columns)
            implements PgOutputMessage {
    }

    /** A column of a {@link Relation}; {@code key} when part of the replica identity. */
    record Column(String name, int typeOid, int typeModifier, boolean key) {
    }

    record Insert(int relationId, TupleData newRow) implements PgOutputMessage {
    }

    /**
     * {@code oldRow} is present only when the key changed ({@code 'K'}: key columns) or the table
     * has REPLICA IDENTITY FULL ({@code 'O'}).
     */
    record Update(int relationId, TupleData oldRow, TupleData newRow) implements PgOutputMessage {
    }

    /** {@code oldRow} holds the key columns (or all columns with REPLICA IDENTITY FULL). */
    record Delete(int relationId, TupleData oldRow) implements PgOutputMessage {
    }

    record Truncate(List<Integer> relationIds, boolean cascade, boolean restartIdentity) implements PgOutputMessage {
    }

    /**
     * A message written with {@code pg_logical_emit_message} (sent with the {@code messages}
     * option); a transactional one arrives between its transaction's Begin and Commit.
     */
    record LogicalMessage(boolean transactional, LogSequenceNumber lsn, String prefix, String content) implements PgOutputMessage {
    }

    /** Origin, Type: nothing to do for the bridge. */
    record Ignored(char type) implements PgOutputMessage {
    }
}

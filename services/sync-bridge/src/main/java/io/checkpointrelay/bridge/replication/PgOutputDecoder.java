package io.checkpointrelay.bridge.replication;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.postgresql.replication.LogSequenceNumber;

import io.checkpointrelay.bridge.rules.Row;

/**
 * Decodes pgoutput protocol version 1 messages (text-format tuples), as documented in PostgreSQL's
 * "Logical Replication Message Formats". Stateless.
 */
public final class PgOutputDecoder {

    /** PostgreSQL timestamps count microseconds from 2000-01-01 00:00 UTC. */
    private static final Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private PgOutputDecoder() {
    }

    public static PgOutputMessage decode(ByteBuffer buffer) {
        char type = (char) buffer.get();
        return switch (type) {
            case 'B' -> new PgOutputMessage.Begin(lsn(buffer), time(buffer), buffer.getInt());
            case 'C' -> {
                buffer.get(); // flags, unused
                yield new PgOutputMessage.Commit(lsn(buffer), lsn(buffer), time(buffer));
            }
            case 'R' -> relation(buffer);
            case 'I' -> {
                int relationId = buffer.getInt();
                expect(buffer, 'N');
                yield new PgOutputMessage.Insert(relationId, tuple(buffer));
            }
            case 'U' -> {
                int relationId = buffer.getInt();
                char kind = (char) buffer.get();
                TupleData oldRow = null;
                if (kind == 'K' || kind == 'O') {
                    oldRow = tuple(buffer);
                    kind = (char) buffer.get();
                }
                if (kind != 'N') {
                    throw new IllegalStateException("pgoutput Update: expected 'N', got '" + kind + "'");
                }
                yield new PgOutputMessage.Update(relationId, oldRow, tuple(buffer));
            }
            case 'D' -> {
                int relationId = buffer.getInt();
                char kind = (char) buffer.get();
                if (kind != 'K' && kind != 'O') {
                    throw new IllegalStateException("pgoutput Delete: expected 'K' or 'O', got '" + kind + "'");
                }
                yield new PgOutputMessage.Delete(relationId, tuple(buffer));
            }
            case 'T' -> {
                int count = buffer.getInt();
                int options = buffer.get();
                List<Integer> ids = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    ids.add(buffer.getInt());
                }
                yield new PgOutputMessage.Truncate(ids, (options & 1) != 0, (options & 2) != 0);
            }
            case 'M' -> {
                // Protocol version 1 has no transaction id here (only streamed transactions do).
                boolean transactional = (buffer.get() & 1) != 0;
                LogSequenceNumber lsn = lsn(buffer);
                String prefix = string(buffer);
                int length = buffer.getInt();
                String content = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
                buffer.position(buffer.position() + length);
                yield new PgOutputMessage.LogicalMessage(transactional, lsn, prefix, content);
            }
            case 'O', 'Y' -> new PgOutputMessage.Ignored(type);
            default -> throw new IllegalStateException("Unknown pgoutput message type '" + type + "'");
        };
    }

    private static PgOutputMessage.Relation relation(ByteBuffer buffer) {
        int id = buffer.getInt();
        String namespace = string(buffer);
        String name = string(buffer);
        char replicaIdentity = (char) buffer.get();
        int count = buffer.getShort();
        List<PgOutputMessage.Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean key = (buffer.get() & 1) != 0;
            String column = string(buffer);
            int typeOid = buffer.getInt();
            int typeModifier = buffer.getInt();
            columns.add(new PgOutputMessage.Column(column, typeOid, typeModifier, key));
        }
        // An empty namespace stands for pg_catalog.
        return new PgOutputMessage.Relation(id, namespace.isEmpty() ? "pg_catalog" : namespace, name, replicaIdentity, columns);
    }

    private static TupleData tuple(ByteBuffer buffer) {
        int count = buffer.getShort();
        Object[] values = new Object[count];
        for (int i = 0; i < count; i++) {
            char kind = (char) buffer.get();
            values[i] = switch (kind) {
                case 'n' -> null;
                case 'u' -> Row.UNCHANGED;
                case 't' -> {
                    int length = buffer.getInt();
                    String text = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
                    buffer.position(buffer.position() + length);
                    yield text;
                }
                default -> throw new IllegalStateException("Unsupported tuple value kind '" + kind
                        + "' (the bridge asks for text format)");
            };
        }
        return new TupleData(values);
    }

    private static void expect(ByteBuffer buffer, char expected) {
        char actual = (char) buffer.get();
        if (actual != expected) {
            throw new IllegalStateException("pgoutput: expected '" + expected + "', got '" + actual + "'");
        }
    }

    private static LogSequenceNumber lsn(ByteBuffer buffer) {
        return LogSequenceNumber.valueOf(buffer.getLong());
    }

    private static Instant time(ByteBuffer buffer) {
        return PG_EPOCH.plus(buffer.getLong(), ChronoUnit.MICROS);
    }

    /** A NUL-terminated UTF-8 string. */
    private static String string(ByteBuffer buffer) {
        int start = buffer.position();
        int end = start;
        while (buffer.get(end) != 0) {
            end++;
        }
        String text = new String(buffer.array(), buffer.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        buffer.position(end + 1);
        return text;
    }
}

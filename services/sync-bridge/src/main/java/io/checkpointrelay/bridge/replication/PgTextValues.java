package io.checkpointrelay.bridge.replication;

import java.math.BigDecimal;

import io.checkpointrelay.bridge.rules.JsonNumber;
import io.checkpointrelay.bridge.rules.Row;

/**
 * Turns PostgreSQL's text form of a value into its JSON form. Booleans become 1/0 and integers and
 * floats JSON numbers (as PowerSync clients store them in SQLite). {@code numeric} becomes a number
 * only when a double holds it exactly (it reads back as the same decimal); otherwise, and for
 * NaN/Infinity, it stays a string so no digit is lost. Every other type (text, uuid, timestamptz,
 * json, arrays...) is a JSON string with PostgreSQL's text form.
 */
public final class PgTextValues {

    static final int BOOL = 16;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int OID = 26;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int NUMERIC = 1700;

    private PgTextValues() {
    }

    /** {@code text} may be null or {@link Row#UNCHANGED}; both are passed through. */
    public static Object toJsonValue(int typeOid, Object text) {
        if (!(text instanceof String value)) {
            return text;
        }
        return switch (typeOid) {
            case BOOL -> "t".equals(value) ? JsonNumber.ONE : JsonNumber.ZERO;
            case INT2, INT4, INT8, OID -> new JsonNumber(value);
            case FLOAT4, FLOAT8 -> isFinite(value) ? new JsonNumber(value) : value;
            case NUMERIC -> exactInDouble(value) ? new JsonNumber(value) : value;
            default -> value;
        };
    }

    private static boolean isFinite(String value) {
        return !value.isEmpty() && (Character.isDigit(value.charAt(0))
                || value.length() > 1 && value.charAt(0) == '-' && Character.isDigit(value.charAt(1)));
    }

    private static boolean exactInDouble(String value) {
        if (!isFinite(value)) {
            return false;
        }
        try {
            double asDouble = Double.parseDouble(value);
            return !Double.isInfinite(asDouble)
                    && new BigDecimal(value).compareTo(new BigDecimal(Double.toString(asDouble))) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

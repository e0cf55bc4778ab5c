package io.checkpointrelay.bridge.rules;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A key of the parameter index: which table parameter query, and the values its WHERE compares
 * with request values. Replication files each row under the key its values give; a stream asks
 * for the key its request values give.
 *
 * @param queryId {@link TableParameterQuery#id()}
 * @param values  the compared values as a JSON array, numbers in one canonical form
 */
public record ParameterLookup(String queryId, String values) {

    /**
     * The lookup for these values, or null when one is null ({@code NULL = x} is never true).
     * Numbers are written canonically ({@code 5}, {@code 5.0} and {@code 5e0} are one key), as
     * SQL compares them by value; a string never equals a number.
     */
    static ParameterLookup of(String queryId, List<Object> values) {
        List<Object> canonical = new ArrayList<>(values.size());
        for (Object value : values) {
            if (value == null) {
                return null;
            }
            canonical.add(value instanceof JsonNumber number ? canonical(number) : value);
        }
        return new ParameterLookup(queryId, JsonValues.array(canonical));
    }

    private static JsonNumber canonical(JsonNumber number) {
        try {
            BigDecimal value = new BigDecimal(number.text()).stripTrailingZeros();
            // Integral values in plain digits; others keep BigDecimal's canonical text.
            return new JsonNumber(value.scale() <= 0 && value.precision() - value.scale() <= 40
                    ? value.toPlainString() : value.toString());
        } catch (NumberFormatException e) {
            return number;
        }
    }
}

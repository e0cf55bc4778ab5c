package io.checkpointrelay.bridge.rules;

/**
 * One row's entry in the parameter index: under {@code lookup}, the row offers the bucket
 * parameter values it selects ({@code output}, a JSON array of the selected columns in select-list
 * order; request values in the select list are filled in per request).
 */
public record ParameterEntry(ParameterLookup lookup, String output) {
}

package io.checkpointrelay.stack;

import java.time.Duration;

/** Hears what a {@link LocalStack} is doing, for progress output; every method is optional. */
public interface StartupListener {

    StartupListener SILENT = new StartupListener() {
    };

    default void starting(String component, String detail) {
    }

    default void ready(String component, String detail, Duration took) {
    }

    default void stopping(String component) {
    }
}

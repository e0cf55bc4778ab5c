package io.checkpointrelay.stack;

import java.io.PrintStream;
import java.time.Duration;

/** Prints what the stack is doing, one line per step, with the time since the command started. */
public final class ConsoleProgress implements StartupListener {

    private final PrintStream out;
    private final long started = System.nanoTime();

    public ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void starting(String component, String detail) {
        line(component, "starting", detail);
    }

    @Override
    public void ready(String component, String detail, Duration took) {
        line(component, "ready in %.1f s".formatted(took.toMillis() / 1000.0), detail);
    }

    @Override
    public void stopping(String component) {
        line(component, "stopping", "");
    }

    public void note(String text) {
        out.printf("[%5.1f s] %s%n", elapsedSeconds(), text);
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    private void line(String component, String what, String detail) {
        out.printf("[%5.1f s] %-14s %-15s %s%n", elapsedSeconds(), component, what, detail);
    }
}

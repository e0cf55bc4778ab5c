package io.checkpointrelay.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The figures of a run, printed as they come and as one table at the end. */
final class Figures {

    private record Figure(String benchmark, String name, String value, String note) {
    }

    private final List<Figure> figures = new ArrayList<>();

    /** Adds a figure and prints it at once, so a long run shows progress. */
    void add(String benchmark, String name, String value, String note) {
        Figure figure = new Figure(benchmark, name, value, note == null ? "" : note);
        figures.add(figure);
        System.out.printf("  %-58s %16s  %s%n", name, value, figure.note());
    }

    void rate(String benchmark, String name, double perSecond, String unit, String note) {
        add(benchmark, name, String.format(Locale.ROOT, "%,.0f %s", perSecond, unit), note);
    }

    void ratio(String benchmark, String name, double ratio, double target) {
        add(benchmark, name, String.format(Locale.ROOT, "%.0f %%", ratio * 100),
                String.format(Locale.ROOT, "target >= %.0f %%: %s", target * 100, ratio >= target ? "MET" : "NOT MET"));
    }

    void print() {
        int bench = "benchmark".length();
        int name = "figure".length();
        int value = "value".length();
        for (Figure f : figures) {
            bench = Math.max(bench, f.benchmark().length());
            name = Math.max(name, f.name().length());
            value = Math.max(value, f.value().length());
        }
        String format = "%-" + bench + "s  %-" + name + "s  %" + value + "s  %s%n";
        System.out.println();
        System.out.printf(format, "benchmark", "figure", "value", "note");
        System.out.println("-".repeat(bench + name + value + 6 + 30));
        String last = null;
        for (Figure f : figures) {
            System.out.printf(format, f.benchmark().equals(last) ? "" : f.benchmark(), f.name(), f.value(), f.note());
            last = f.benchmark();
        }
    }

    static double perSecond(long count, long nanos) {
        return count / (nanos / 1e9);
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%,.0f ms", nanos / 1e6);
    }

    /** Milliseconds with one decimal, for latencies of a few milliseconds. */
    static String latency(long nanos) {
        return String.format(Locale.ROOT, "%,.1f ms", nanos / 1e6);
    }

    /** The value at or below which a fraction {@code p} of the {@code sorted} values lie (nearest rank). */
    static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))];
    }
}

package io.checkpointrelay.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/** p50, p99 and max of one latency over some uploads; {@code Long.MAX_VALUE} stands for never. */
record Latency(long p50, long p99, long max, int count) {

    static Latency of(List<UploadSample> samples, ToLongFunction<UploadSample> latency) {
        long[] sorted = samples.stream().mapToLong(latency).sorted().toArray();
        if (sorted.length == 0) {
            return new Latency(0, 0, 0, 0);
        }
        return new Latency(Figures.percentile(sorted, 0.5), Figures.percentile(sorted, 0.99), sorted[sorted.length - 1],
                sorted.length);
    }

    /** "p50 / p99 ms", the table's value. */
    String value() {
        if (count == 0) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "%s / %s ms", number(p50), number(p99));
    }

    /** "p50 / p99, max N ms", the start of the table's note. */
    String note() {
        return "p50 / p99, max " + (count == 0 ? "-" : number(max) + " ms");
    }

    private static String number(long nanos) {
        return nanos == Long.MAX_VALUE ? "never" : String.format(Locale.ROOT, "%,.1f", nanos / 1e6);
    }
}

package io.checkpointrelay.bench;

import java.util.Locale;

import io.checkpointrelay.stack.LocalPostgres;
import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.RelayService;

/** CPU time of the local stack's processes so far, to tell where a window's time went. */
record StackCpu(long uploadApi, long applier, long bridge, long tracker, long postgres, long benchmark) {

    static StackCpu of(LocalStack stack) {
        return new StackCpu(CpuTime.of(stack.service(RelayService.UPLOAD_API).pid(), false),
                CpuTime.of(stack.service(RelayService.WRITE_APPLIER).pid(), false),
                CpuTime.of(stack.service(RelayService.SYNC_BRIDGE).pid(), false),
                CpuTime.of(stack.service(RelayService.CHECKPOINT_TRACKER).pid(), false),
                // Benchmarks run on the default, embedded infrastructure: PostgreSQL is a local process.
                CpuTime.postgres(((LocalPostgres) stack.postgres()).dataDirectory()),
                CpuTime.of(ProcessHandle.current().pid(), false));
    }

    /** Where the CPU went between {@code before} and now, against what the machine's cores offered. */
    String since(StackCpu before, long wallNanos) {
        return String.format(Locale.ROOT, "upload-api %.1f s, write-applier %.1f s, sync-bridge %.1f s, checkpoint-tracker %.1f s, "
                + "PostgreSQL %.1f s, benchmark JVM with Kafka %.1f s of %d cores x %.1f s; %s", seconds(uploadApi - before.uploadApi),
                seconds(applier - before.applier), seconds(bridge - before.bridge), seconds(tracker - before.tracker),
                seconds(postgres - before.postgres), seconds(benchmark - before.benchmark), Runtime.getRuntime().availableProcessors(),
                wallNanos / 1e9, Benchmarks.loadAverage());
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}

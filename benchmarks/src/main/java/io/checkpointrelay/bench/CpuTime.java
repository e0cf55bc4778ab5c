package io.checkpointrelay.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of processes from {@code /proc} (Linux), to tell where a benchmark's time goes: the
 * bridge's JVM or PostgreSQL (the postmaster and all its backends, including exited ones).
 */
final class CpuTime {

    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

    private CpuTime() {
    }

    /** User + system CPU of one process, in nanoseconds; with {@code children}, also of its exited children. */
    static long of(long pid, boolean children) {
        String[] fields = stat(pid);
        if (fields == null) {
            return 0;
        }
        // Fields after "(comm)": state is index 0, utime 11, stime 12, cutime 13, cstime 14.
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        if (children) {
            ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        }
        return ticks * NANOS_PER_TICK;
    }

    /** All CPU of the cluster in {@code dataDirectory}: the postmaster, its exited children and its live ones. */
    static long postgres(Path dataDirectory) {
        return postgresByRole(dataDirectory, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * CPU of the cluster's processes by role: the backends in {@code known} (pid to role), the
     * walsenders (logical decoding), other client backends, and the rest (the postmaster, its
     * background workers and exited children).
     */
    static Map<String, Long> postgresByRole(Path dataDirectory, Map<Long, String> known) {
        Map<String, Long> roles = new TreeMap<>();
        long postmaster;
        try {
            postmaster = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).getFirst().trim());
        } catch (IOException | RuntimeException e) {
            return roles;
        }
        roles.merge("other", of(postmaster, true), Long::sum);
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                String[] fields = stat(pid);
                if (fields == null || Long.parseLong(fields[1]) != postmaster) {
                    continue;
                }
                String role = known.get(pid);
                if (role == null) {
                    String title = commandLine(pid);
                    role = title.contains("walsender") ? "walsender" : title.contains(BenchStack.DATABASE) ? "other backends" : "other";
                }
                roles.merge(role, of(pid, false), Long::sum);
            }
        } catch (IOException e) {
            return roles;
        }
        return roles;
    }

    /** The difference of two {@link #postgresByRole} results, as "role 1.2 s" text. */
    static String describe(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder text = new StringBuilder();
        after.forEach((role, nanos) -> {
            long spent = nanos - before.getOrDefault(role, 0L);
            if (spent > 0) {
                text.append(text.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f s", role, spent / 1e9));
            }
        });
        return text.toString();
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The fields of /proc/pid/stat after the command name, or null when the process is gone. */
    private static String[] stat(long pid) {
        try {
            String text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return text.substring(text.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

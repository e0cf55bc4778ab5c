package io.checkpointrelay.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.checkpointrelay.stack.ServiceProcess;

/**
 * The bridge process's memory: heap in use right after a full GC ({@code jcmd GC.run}, then the
 * bridge's own {@code jvm_memory_used_bytes{area="heap"}} metrics), resident set size and
 * thread count from {@code /proc}.
 */
record BridgeHeap(long heapBytes, long rssBytes, int threads) {

    static BridgeHeap measure(ServiceProcess bridge) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        for (int i = 0; i < 2; i++) { // the second full GC also collects what the first only made unreachable
            Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(bridge.pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
                gc.destroyForcibly();
                throw new IllegalStateException("jcmd " + bridge.pid() + " GC.run failed");
            }
        }
        long heap = 0;
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(bridge.uri().resolve("/q/metrics")).timeout(Duration.ofSeconds(30)).build();
            String metrics = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            for (String line : metrics.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        if (heap == 0) {
            throw new IllegalStateException("the bridge's /q/metrics has no jvm_memory_used_bytes{area=\"heap\"}");
        }
        long rss = 0;
        int threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(bridge.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("\\D", ""));
            }
        }
        return new BridgeHeap(heap, rss, threads);
    }
}

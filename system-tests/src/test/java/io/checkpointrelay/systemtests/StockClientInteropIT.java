package io.checkpointrelay.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import io.checkpointrelay.stack.Directories;
import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.RelayHome;
import io.checkpointrelay.stack.UsesTestInfrastructure;

/**
 * The stock PowerSync Node SDK ({@code @powersync/node}, pinned in clients/node) against the real
 * services: each {@code clients/node/interop/*.test.mjs} runs under {@code node --test} as its own
 * user and asserts on the client's local SQLite tables. Needs Node.js 20+ and npm on PATH; the
 * first run installs the SDK ({@code npm ci}, up to two minutes when SQLite is compiled).
 * Output of each script: target/it-logs/StockClientInteropIT/&lt;script&gt;/ (node.log, the
 * client databases and SDK logs), next to the services' logs.
 */
@UsesTestInfrastructure
class StockClientInteropIT {

    /** A script takes seconds; the margin is for a busy machine. */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
    private static final Path LOGS = Path.of("target", "it-logs", StockClientInteropIT.class.getSimpleName());

    private static NodeClients node;
    private static LocalStack stack;
    private static ServerSql serverSql;

    @BeforeAll
    static void installClientAndStartStack() throws Exception {
        node = NodeClients.install(RelayHome.find().root().resolve("clients/node"), LOGS.resolve("npm-ci.log"));
        stack = TestStack.start(StockClientInteropIT.class);
        serverSql = ServerSql.start(stack);
    }

    @AfterAll
    static void stopStack() {
        if (serverSql != null) {
            serverSql.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> eachInteropScriptPassesAgainstTheStack() throws Exception {
        List<Path> scripts = node.interopScripts();
        assertThat(scripts).as("clients/node/interop/*.test.mjs").isNotEmpty();
        return scripts.stream().map(script -> dynamicTest(scenario(script), () -> run(script)));
    }

    private static void run(Path script) throws Exception {
        String scenario = scenario(script);
        String user = "interop-" + scenario + "-" + UUID.randomUUID();
        Path clientDirectory = LOGS.resolve(scenario).toAbsolutePath();
        Directories.deleteRecursively(clientDirectory);
        Map<String, String> environment = new LinkedHashMap<>(stack.environment(stack.tokens().issue(user, Duration.ofHours(1))));
        environment.put("RELAY_SERVER_SQL_URL", serverSql.uri().toString());
        environment.put("RELAY_CLIENT_DIR", clientDirectory.toString());
        node.test(script, environment, SCRIPT_TIMEOUT, clientDirectory.resolve("node.log"));
    }

    private static String scenario(Path script) {
        String file = script.getFileName().toString();
        return file.substring(0, file.length() - ".test.mjs".length());
    }
}

package io.checkpointrelay.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.checkpointrelay.protocol.Topics;

/**
 * The stack's wiring, with {@link FakeService} packaged as each service's jar: real PostgreSQL
 * and Kafka, real processes, the configuration each service is handed, and what persists in
 * the data directory from one start to the next.
 */
class LocalStackTest {

    @TempDir
    Path tmp;

    @Test
    void wiresEveryServiceAndKeepsItsDataSecretAndTopicForTheNextStart() throws Exception {
        RelayHome home = fakeHome(tmp.resolve("home"));
        Path data = tmp.resolve("data");
        String secret;
        try (LocalStack stack = LocalStack.builder().home(home).dataDirectory(data).start()) {
            secret = stack.jwtSecret();
            try (Connection db = stack.postgres().connect(LocalStack.DATABASE)) {
                db.createStatement().execute("INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES ('alice', 'phone', 7)");
            }
            try (var admin = stack.kafka().admin()) {
                assertThat(admin.describeTopics(List.of(Topics.UPLOADS)).allTopicNames().get().get(Topics.UPLOADS).partitions())
                        .hasSize(LocalStack.UPLOAD_PARTITIONS);
            }
            String kafka = "config kafka.bootstrap.servers=" + stack.kafka().bootstrapServers();
            String schema = "config relay.schema.file=" + home.demoAppSchema();
            String jwt = "config relay.jwt.secret=" + secret;
            assertThat(log(stack, RelayService.WRITE_APPLIER)).contains(kafka, schema,
                    "config quarkus.datasource.reactive.url=" + stack.postgres().reactiveUrl("app"),
                    "config quarkus.datasource.username=postgres",
                    "config quarkus.http.port=" + stack.writeApplierUri().getPort());
            assertThat(log(stack, RelayService.SYNC_BRIDGE)).contains(jwt,
                    "config quarkus.datasource.jdbc.url=" + stack.postgres().jdbcUrl("app"),
                    "config relay.sync-rules.file=" + home.demoSyncRules(),
                    "config quarkus.http.port=" + stack.syncUri().getPort());
            assertThat(log(stack, RelayService.UPLOAD_API)).contains(kafka, schema, jwt,
                    "config quarkus.http.port=" + stack.uploadApiUri().getPort());
            for (RelayService service : RelayService.values()) {
                for (DeploymentSettings.Setting setting : DeploymentSettings.of(service)) {
                    assertThat(log(stack, service)).as("%s gets %s", service.moduleName(), setting.key())
                            .containsPattern("config " + Pattern.quote(setting.key()) + "=" + setting.value().map(Pattern::quote).orElse("\\S+"));
                }
            }
            assertThat(stack.environment("token")).containsEntry("UPLOAD_API_URL", stack.uploadApiUri().toString())
                    .containsEntry("RELAY_DEV_TOKEN", "token").containsKeys("SYNC_URL", "KAFKA_BOOTSTRAP_SERVERS", "POSTGRES_JDBC_URL");

            assertThatThrownBy(() -> LocalStack.builder().home(home).dataDirectory(data).start())
                    .hasMessageContaining("Another relay stack is using " + data);
        }
        assertThat(Files.readString(data.resolve("logs/sync-bridge.log"))).contains("fake service shut down gracefully");

        try (LocalStack again = LocalStack.builder().home(home).dataDirectory(data).start()) {
            assertThat(again.jwtSecret()).isEqualTo(secret);
            try (Connection db = again.postgres().connect(LocalStack.DATABASE);
                    ResultSet rs = db.createStatement().executeQuery("SELECT checkpoint FROM checkpoints WHERE user_id = 'alice'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(7);
            }
            try (var admin = again.kafka().admin()) {
                assertThat(admin.listTopics().names().get()).contains(Topics.UPLOADS);
            }
        }
    }

    @Test
    void aTemporaryStackLeavesNothingBehindAndAMissingServiceJarIsNamed() throws Exception {
        RelayHome home = fakeHome(tmp.resolve("home"));
        Path directory;
        try (LocalStack stack = LocalStack.builder().home(home).logDirectory(tmp.resolve("logs")).start()) {
            directory = stack.dataDirectory();
            assertThat(directory.resolve("postgres")).isDirectory();
        }
        assertThat(directory).doesNotExist();
        assertThat(tmp.resolve("logs/upload-api.log")).exists();

        Files.delete(home.serviceJar(RelayService.SYNC_BRIDGE));
        assertThatThrownBy(() -> LocalStack.builder().home(home).start())
                .isInstanceOf(ServiceStartException.class)
                .hasMessageContaining("sync-bridge is not built");
    }

    private static String log(LocalStack stack, RelayService service) throws IOException {
        return Files.readString(stack.service(service).logFile());
    }

    /** A repository with the real demo files and {@link FakeService} as every service's jar. */
    private static RelayHome fakeHome(Path root) throws Exception {
        RelayHome real = RelayHome.find();
        RelayHome fake = new RelayHome(root);
        for (Path file : List.of(real.demoSchemaSql(), real.demoAppSchema(), real.demoSyncRules())) {
            Path copy = root.resolve(real.root().relativize(file));
            Files.createDirectories(copy.getParent());
            Files.copy(file, copy);
        }
        Path classes = Path.of(FakeService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path packageDir = classes.resolve(FakeService.class.getPackageName().replace('.', '/'));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
        for (RelayService service : RelayService.values()) {
            Path jar = fake.serviceJar(service);
            Files.createDirectories(jar.getParent());
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest);
                    Stream<Path> files = Files.list(packageDir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("FakeService")).toList()) {
                    jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString()));
                    Files.copy(file, jarOut);
                    jarOut.closeEntry();
                }
            }
        }
        return fake;
    }
}

package io.checkpointrelay.upload.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service must not start on a schema file it cannot use, and must say which setting is wrong. */
class AppSchemaProducerTest {

    private static RelayConfig schemaAt(Path file) {
        return new RelayConfig() {
            @Override
            public Schema schema() {
                return () -> file;
            }

            @Override
            public Uploads uploads() {
                return () -> "relay.uploads";
            }

            @Override
            public Upload upload() {
                return new Upload() {
                    @Override
                    public int maxEntries() {
                        return 1000;
                    }

                    @Override
                    public Duration deliveryTimeout() {
                        return Duration.ofSeconds(10);
                    }
                };
            }

            @Override
            public CheckpointRequests checkpointRequests() {
                throw new UnsupportedOperationException("not read when loading the schema");
            }
        };
    }

    @Test
    void loadsTheDemoSchema() {
        assertThat(new AppSchemaProducer().appSchema(schemaAt(Path.of("../../deploy/demo/app-schema.yaml"))).tables())
                .containsKeys("lists", "todos");
    }

    @Test
    void missingFileStopsStartUpNamingTheSetting(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere.yaml");
        assertThatThrownBy(() -> new AppSchemaProducer().appSchema(schemaAt(missing)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("relay.schema.file")
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void invalidFileStopsStartUpSayingWhy(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("schema.yaml"), """
                tables:
                  todos:
                    columns:
                      id: uuid
                      size: huge
                """);
        assertThatThrownBy(() -> new AppSchemaProducer().appSchema(schemaAt(file)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("relay.schema.file")
                .hasMessageContaining("unknown column type 'huge'");
    }
}

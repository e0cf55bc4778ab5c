package io.checkpointrelay.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevSecretTest {

    @TempDir
    Path dataDirectory;

    @Test
    void isCreatedOncePerDataDirectoryOwnerReadableAndSignsTokens() throws Exception {
        Path file = dataDirectory.resolve("jwt-secret");
        String secret = DevSecret.loadOrCreate(file);

        assertThat(Base64.getDecoder().decode(secret)).hasSize(48);
        assertThat(DevSecret.loadOrCreate(file)).isEqualTo(secret);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(DevSecret.generate()).isNotEqualTo(secret);
        assertThat(new DevTokens(secret).issue("alice", Duration.ofHours(12)).split("\\.")).hasSize(3);
    }
}

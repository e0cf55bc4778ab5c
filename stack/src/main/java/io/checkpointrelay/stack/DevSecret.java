package io.checkpointrelay.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The HS256 secret a local stack signs development tokens with: 48 random bytes, base64. A
 * persistent stack keeps it in its data directory, so tokens issued by one run stay valid in
 * the next.
 */
public final class DevSecret {

    private static final SecureRandom RANDOM = new SecureRandom();

    private DevSecret() {
    }

    public static String generate() {
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The secret stored in {@code file}, created (readable by the owner only) when absent. */
    public static String loadOrCreate(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!secret.isEmpty()) {
                return secret;
            }
        }
        String secret = generate();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the file keeps the default permissions.
        }
        return secret;
    }
}

package io.checkpointrelay.stack;

/** The services of the relay, in the order they start, with their default HTTP ports. */
public enum RelayService {
    WRITE_APPLIER("write-applier", 8082),
    SYNC_BRIDGE("sync-bridge", 8080),
    UPLOAD_API("upload-api", 8081),
    CHECKPOINT_TRACKER("checkpoint-tracker", 8083);

    private final String moduleName;
    private final int defaultPort;

    RelayService(String moduleName, int defaultPort) {
        this.moduleName = moduleName;
        this.defaultPort = defaultPort;
    }

    /** The module directory under {@code services/}, also the name in logs and messages. */
    public String moduleName() {
        return moduleName;
    }

    public int defaultPort() {
        return defaultPort;
    }
}

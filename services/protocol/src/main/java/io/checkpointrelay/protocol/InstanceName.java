package io.checkpointrelay.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Names the running service instance in what it emits (dead letters, lifecycle events), so an
 * operator can tell which pod or process did it: the host name (a Kubernetes pod's name) and
 * the process id.
 */
public final class InstanceName {

    private static final String NAME = host() + "/" + ProcessHandle.current().pid();

    private InstanceName() {
    }

    public static String get() {
        return NAME;
    }

    private static String host() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}

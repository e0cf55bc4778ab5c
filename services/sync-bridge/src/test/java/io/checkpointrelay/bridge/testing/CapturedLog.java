package io.checkpointrelay.bridge.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/** Collects the formatted messages one logger writes while open (the application runs in the test's JVM). */
public final class CapturedLog extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private CapturedLog(Class<?> source) {
        this.logger = Logger.getLogger(source.getName());
        logger.addHandler(this);
    }

    public static CapturedLog of(Class<?> source) {
        return new CapturedLog(source);
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** Messages containing every one of {@code parts}. */
    public List<String> containing(String... parts) {
        return messages.stream().filter(message -> List.of(parts).stream().allMatch(message::contains)).toList();
    }

    @Override
    public void publish(LogRecord record) {
        messages.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}

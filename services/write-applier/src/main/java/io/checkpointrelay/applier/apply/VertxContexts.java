package io.checkpointrelay.applier.apply;

import java.util.concurrent.Executor;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Hibernate Reactive runs a session on the Vert.x context it started on; work resumed from
 * another thread (a retry timer, a Kafka producer callback) has to be moved back onto it.
 */
public final class VertxContexts {

    private VertxContexts() {
    }

    /** An executor onto the caller's Vert.x context, or a direct one outside any context. */
    public static Executor current() {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Runnable::run;
        }
        return task -> context.runOnContext(ignored -> task.run());
    }
}

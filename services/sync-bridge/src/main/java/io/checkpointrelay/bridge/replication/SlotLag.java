package io.checkpointrelay.bridge.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.config.RelayConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;

/**
 * How much WAL PostgreSQL keeps for the bridge's slot: bytes from {@code pg_current_wal_lsn()} to
 * the slot's {@code confirmed_flush_lsn}. Measured on a schedule (never while a scrape or health
 * probe waits) as gauge {@code relay.replication.slot.lag} and readiness detail
 * {@code slot_lag_bytes}. Every instance measures the shared slot, replicating or not.
 */
@Startup
@ApplicationScoped
public class SlotLag {

    private static final Logger LOG = Logger.getLogger(SlotLag.class);
    private static final long UNKNOWN = -1;

    private final AgroalDataSource dataSource;
    private final String slot;
    private final AtomicLong bytes = new AtomicLong(UNKNOWN);

    public SlotLag(AgroalDataSource dataSource, RelayConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.slot = config.replication().slot();
        Gauge.builder("relay.replication.slot.lag", bytes, value -> value.get() == UNKNOWN ? Double.NaN : value.get())
                .baseUnit("bytes")
                .description("WAL the source keeps for the replication slot: current WAL position minus the slot's confirmed position")
                .register(registry);
    }

    /** The last measured lag; empty before the first measurement or while the slot is missing. */
    public OptionalLong bytes() {
        long value = bytes.get();
        return value == UNKNOWN ? OptionalLong.empty() : OptionalLong.of(value);
    }

    @Scheduled(every = "${relay.replication.slot-check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void measure() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                        + " FROM pg_replication_slots WHERE slot_name = ?")) {
            select.setString(1, slot);
            try (ResultSet result = select.executeQuery()) {
                long lag = result.next() ? result.getLong(1) : UNKNOWN;
                bytes.set(result.wasNull() ? UNKNOWN : Math.max(0, lag));
            }
        } catch (SQLException e) {
            bytes.set(UNKNOWN);
            LOG.debugf("Cannot measure the slot's lag: %s", e.getMessage());
        }
    }
}

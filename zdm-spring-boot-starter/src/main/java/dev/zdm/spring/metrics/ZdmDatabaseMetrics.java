package dev.zdm.spring.metrics;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.zdm.core.backfill.BackfillProgress;
import dev.zdm.core.catalog.ServerActivity;
import dev.zdm.core.migration.MigrationStatus;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.QualifiedName;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges read from the database, refreshed on a background thread every {@code refreshInterval} (one round of
 * three queries whatever the number of migrations, and never per scrape):
 * <ul>
 * <li>{@code zdm.migration.phase} (tag {@code migration}) of every migration, whichever instance moved it</li>
 * <li>{@code zdm.backfill.rows.remaining} (tag {@code migration}): the estimate of rows left to backfill</li>
 * <li>{@code zdm.table.lock.waiters} (tag {@code table}): sessions waiting for locks on a table of a migration
 * in progress</li>
 * <li>{@code zdm.replication.lag} (seconds; NaN without standbys) and {@code zdm.replication.slot.lag}
 * (bytes)</li>
 * </ul>
 */
public class ZdmDatabaseMetrics implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ZdmDatabaseMetrics.class);

	private final Orchestrator orchestrator;

	private final MicrometerMigrationListener listener;

	private final Duration refreshInterval;

	private final Map<String, Double> remaining = new ConcurrentHashMap<>();

	private final Map<QualifiedName, Double> lockWaiters = new ConcurrentHashMap<>();

	private volatile double replicationLag = Double.NaN;

	private volatile double slotLag = Double.NaN;

	private MeterRegistry registry;

	private ScheduledExecutorService executor;

	public ZdmDatabaseMetrics(Orchestrator orchestrator, MicrometerMigrationListener listener, Duration refreshInterval) {
		this.orchestrator = orchestrator;
		this.listener = listener;
		this.refreshInterval = refreshInterval;
	}

	/** Registers the gauges with {@code registry} and starts refreshing them. */
	public synchronized void bindTo(MeterRegistry registry) {
		this.registry = registry;
		Gauge.builder("zdm.replication.lag", this, (metrics) -> metrics.replicationLag)
			.description("Replay lag of the slowest standby (NaN without standbys)")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder("zdm.replication.slot.lag", this, (metrics) -> metrics.slotLag)
			.description("WAL the furthest-behind replication slot has not confirmed")
			.baseUnit("bytes")
			.register(registry);
		if (this.executor == null) {
			this.executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "zdm-metrics");
				thread.setDaemon(true);
				return thread;
			});
			this.executor.scheduleWithFixedDelay(this::refresh, 0, this.refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/** Reads the gauges' values from the database. */
	public void refresh() {
		try {
			List<MigrationStatus> statuses = this.orchestrator.overview();
			Map<String, Plan> plans = this.orchestrator.plans();
			Set<QualifiedName> tables = new LinkedHashSet<>();
			for (MigrationStatus status : statuses) {
				this.listener.phase(status.id(), status.phase());
				BackfillProgress progress = status.backfill();
				double left = (progress != null) ? Math.max(0, progress.rowsTotal() - progress.rowsDone()) : Double.NaN;
				if (this.remaining.put(status.id(), left) == null) {
					Gauge.builder("zdm.backfill.rows.remaining", this.remaining, (values) -> values.getOrDefault(status.id(), Double.NaN))
						.description("Rows the migration's backfill has left to write (an estimate from statistics)")
						.tag("migration", status.id())
						.register(this.registry);
				}
				Plan plan = plans.get(status.id());
				if (plan != null && !status.phase().isFinal() && status.phase().ordinal() > 0) {
					plan.operations().stream().map(Operation::tables).forEach(tables::addAll);
				}
			}
			ServerActivity.Snapshot activity = this.orchestrator.activity(tables);
			this.lockWaiters.keySet().forEach((table) -> this.lockWaiters.put(table, 0.0));
			activity.lockWaiters().forEach((table, waiters) -> {
				if (this.lockWaiters.put(table, (double) waiters) == null) {
					Gauge.builder("zdm.table.lock.waiters", this.lockWaiters, (values) -> values.getOrDefault(table, 0.0))
						.description("Sessions waiting for locks on a table of a migration in progress")
						.tag("table", table.toString())
						.register(this.registry);
				}
			});
			this.replicationLag = activity.replication().standbySeconds();
			this.slotLag = activity.replication().slotBytes();
		}
		catch (RuntimeException ex) {
			logger.debug("zdm: could not refresh the database gauges: {}", ex.getMessage());
		}
	}

	@Override
	public synchronized void close() {
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
	}

}

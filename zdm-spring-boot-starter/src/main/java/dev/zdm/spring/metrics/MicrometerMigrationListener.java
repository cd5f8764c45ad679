package dev.zdm.spring.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.zdm.core.backfill.Throttle;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Publishes what zdm does on this instance as Micrometer meters:
 * <ul>
 * <li>{@code zdm.migration.phase} (gauge, tag {@code migration}): the phase's position in {@link Phase}, set
 * at once by this instance's transitions and by {@link ZdmDatabaseMetrics} from the database for the others'</li>
 * <li>{@code zdm.migration.transitions} (counter, tags {@code migration}, {@code from}, {@code to})</li>
 * <li>{@code zdm.ddl.lock.retries} (counter): DDL attempts whose lock was not granted</li>
 * <li>{@code zdm.backfill.rows} (counter, tag {@code migration}): rows written by this instance's batches</li>
 * <li>{@code zdm.backfill.batch.duration} (timer) and {@code zdm.backfill.batch.size} (summary of rows visited),
 * tag {@code migration}</li>
 * <li>{@code zdm.backfill.throttled} (counter, tags {@code migration}, {@code reason} (the signal),
 * {@code response}): times a throttle signal started firing; {@code zdm.backfill.throttle.active} (gauge, tags
 * {@code migration}, {@code reason}): 1 while it fires</li>
 * <li>{@code zdm.backfill.batch.splits} and {@code zdm.backfill.batch.retries} (counters, tag
 * {@code migration}): batches split after a timeout, batches retried after a transient error</li>
 * </ul>
 * Meters are cached per migration.
 */
public class MicrometerMigrationListener implements MigrationListener {

	private final MeterRegistry registry;

	private final Map<String, AtomicInteger> phases = new ConcurrentHashMap<>();

	private final Map<String, BatchMeters> batches = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> activeThrottles = new ConcurrentHashMap<>();

	private final Counter lockRetries;

	public MicrometerMigrationListener(MeterRegistry registry) {
		this.registry = registry;
		this.lockRetries = Counter.builder("zdm.ddl.lock.retries")
			.description("DDL attempts whose lock was not granted within the lock timeout")
			.register(registry);
	}

	@Override
	public void phaseChanged(String migrationId, Phase from, Phase to) {
		phase(migrationId, to);
		this.registry.counter("zdm.migration.transitions", "migration", migrationId, "from", from.name(), "to", to.name())
			.increment();
	}

	/** Sets the {@code zdm.migration.phase} gauge of a migration. */
	public void phase(String migrationId, Phase phase) {
		this.phases.computeIfAbsent(migrationId, (id) -> {
			AtomicInteger value = new AtomicInteger(phase.ordinal());
			Gauge.builder("zdm.migration.phase", value, AtomicInteger::get)
				.description("Phase of the migration: its position in PENDING, EXPANDING, ..., ROLLED_BACK")
				.tag("migration", id)
				.register(this.registry);
			return value;
		}).set(phase.ordinal());
	}

	@Override
	public void lockRetry(String description, int attempt, Duration delay) {
		this.lockRetries.increment();
	}

	@Override
	public void batchCompleted(String migrationId, int operation, int rowsScanned, int rowsUpdated, Duration time) {
		BatchMeters meters = batchMeters(migrationId);
		meters.rows().increment(rowsUpdated);
		meters.time().record(time);
		meters.size().record(rowsScanned);
	}

	@Override
	public void throttled(String migrationId, Throttle throttle) {
		this.registry.counter("zdm.backfill.throttled", "migration", migrationId, "reason", throttle.signal(), "response",
				throttle.response().name()).increment();
		active(migrationId, throttle).set(1);
	}

	@Override
	public void throttleCleared(String migrationId, Throttle throttle) {
		active(migrationId, throttle).set(0);
	}

	private AtomicInteger active(String migrationId, Throttle throttle) {
		return this.activeThrottles.computeIfAbsent(migrationId + '\0' + throttle.signal(), (key) -> {
			AtomicInteger value = new AtomicInteger();
			Gauge.builder("zdm.backfill.throttle.active", value, AtomicInteger::get)
				.description("1 while the throttle signal slows the migration's backfill on this instance")
				.tag("migration", migrationId)
				.tag("reason", throttle.signal())
				.register(this.registry);
			return value;
		});
	}

	@Override
	public void batchSplit(String migrationId, int operation, int rows, int newRows) {
		batchMeters(migrationId).splits().increment();
	}

	@Override
	public void batchRetry(String migrationId, int operation, int attempt, Duration delay, String reason) {
		batchMeters(migrationId).retries().increment();
	}

	@Override
	public void applicationSync(String migrationId, int operation, int keys, int rowsWritten, Duration time) {
		this.registry.counter("zdm.sync.writes", "migration", migrationId, "mode", "application").increment(rowsWritten);
		Timer.builder("zdm.sync.duration")
			.description("Time of one set-based sync of the rows a repository call wrote (@DualWrite)")
			.tag("migration", migrationId)
			.register(this.registry)
			.record(time);
	}

	private BatchMeters batchMeters(String migrationId) {
		return this.batches.computeIfAbsent(migrationId, (id) -> new BatchMeters(
				Counter.builder("zdm.backfill.rows").description("Rows written by backfill batches").tag("migration", id)
					.register(this.registry),
				Timer.builder("zdm.backfill.batch.duration").description("Time of one backfill batch").tag("migration", id)
					.register(this.registry),
				DistributionSummary.builder("zdm.backfill.batch.size").description("Rows visited by one backfill batch")
					.baseUnit("rows")
					.tag("migration", id)
					.register(this.registry),
				Counter.builder("zdm.backfill.batch.splits").description("Batches split in two after a timeout")
					.tag("migration", id)
					.register(this.registry),
				Counter.builder("zdm.backfill.batch.retries").description("Batches retried after a transient error")
					.tag("migration", id)
					.register(this.registry)));
	}

	private record BatchMeters(Counter rows, Timer time, DistributionSummary size, Counter splits, Counter retries) {
	}

}

package dev.zdm.spring.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Publishes what zdm does as Micrometer meters:
 * <ul>
 * <li>{@code zdm.migration.phase} (gauge, tag {@code migration}): the phase's position in {@link Phase}</li>
 * <li>{@code zdm.migration.transitions} (counter, tags {@code migration}, {@code from}, {@code to})</li>
 * <li>{@code zdm.ddl.lock.retries} (counter): DDL attempts whose lock was not granted</li>
 * <li>{@code zdm.backfill.rows} (counter, tag {@code migration}): rows written by backfills</li>
 * <li>{@code zdm.backfill.batch.time} (timer) and {@code zdm.backfill.batch.size} (summary), tag
 * {@code migration}</li>
 * </ul>
 * Meters are cached per migration.
 */
public class MicrometerMigrationListener implements MigrationListener {

	private final MeterRegistry registry;

	private final Map<String, AtomicInteger> phases = new ConcurrentHashMap<>();

	private final Map<String, BatchMeters> batches = new ConcurrentHashMap<>();

	private final Counter lockRetries;

	public MicrometerMigrationListener(MeterRegistry registry) {
		this.registry = registry;
		this.lockRetries = Counter.builder("zdm.ddl.lock.retries")
			.description("DDL attempts whose lock was not granted within the lock timeout")
			.register(registry);
	}

	@Override
	public void phaseChanged(String migrationId, Phase from, Phase to) {
		this.phases.computeIfAbsent(migrationId, (id) -> {
			AtomicInteger phase = new AtomicInteger(from.ordinal());
			Gauge.builder("zdm.migration.phase", phase, AtomicInteger::get)
				.description("Phase of the migration: its position in PENDING, EXPANDING, ..., ROLLED_BACK")
				.tag("migration", id)
				.register(this.registry);
			return phase;
		}).set(to.ordinal());
		this.registry.counter("zdm.migration.transitions", "migration", migrationId, "from", from.name(), "to", to.name())
			.increment();
	}

	@Override
	public void lockRetry(String description, int attempt, Duration delay) {
		this.lockRetries.increment();
	}

	@Override
	public void batchCompleted(String migrationId, int operation, int rowsScanned, int rowsUpdated, Duration time) {
		BatchMeters meters = this.batches.computeIfAbsent(migrationId, (id) -> new BatchMeters(
				Counter.builder("zdm.backfill.rows").description("Rows written by backfills").tag("migration", id)
					.register(this.registry),
				Timer.builder("zdm.backfill.batch.time").description("Time of one backfill batch").tag("migration", id)
					.register(this.registry),
				DistributionSummary.builder("zdm.backfill.batch.size").description("Rows visited by one backfill batch")
					.tag("migration", id)
					.register(this.registry)));
		meters.rows().increment(rowsUpdated);
		meters.time().record(time);
		meters.size().record(rowsScanned);
	}

	private record BatchMeters(Counter rows, Timer time, DistributionSummary size) {
	}

}

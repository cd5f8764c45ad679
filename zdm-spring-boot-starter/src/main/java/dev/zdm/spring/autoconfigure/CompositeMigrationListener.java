package dev.zdm.spring.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.zdm.core.backfill.Throttle;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Phase;

/**
 * Tells every {@link MigrationListener} bean, in order.
 */
final class CompositeMigrationListener implements MigrationListener {

	private final List<MigrationListener> listeners;

	private CompositeMigrationListener(List<MigrationListener> listeners) {
		this.listeners = listeners;
	}

	static MigrationListener of(List<MigrationListener> listeners) {
		return switch (listeners.size()) {
			case 0 -> MigrationListener.NONE;
			case 1 -> listeners.get(0);
			default -> new CompositeMigrationListener(List.copyOf(listeners));
		};
	}

	@Override
	public void phaseChanged(String migrationId, Phase from, Phase to) {
		this.listeners.forEach((listener) -> listener.phaseChanged(migrationId, from, to));
	}

	@Override
	public void lockRetry(String description, int attempt, Duration delay) {
		this.listeners.forEach((listener) -> listener.lockRetry(description, attempt, delay));
	}

	@Override
	public void batchCompleted(String migrationId, int operation, int rowsScanned, int rowsUpdated, Duration time) {
		this.listeners.forEach((listener) -> listener.batchCompleted(migrationId, operation, rowsScanned, rowsUpdated, time));
	}

	@Override
	public void throttled(String migrationId, Throttle throttle) {
		this.listeners.forEach((listener) -> listener.throttled(migrationId, throttle));
	}

	@Override
	public void throttleCleared(String migrationId, Throttle throttle) {
		this.listeners.forEach((listener) -> listener.throttleCleared(migrationId, throttle));
	}

	@Override
	public void batchSplit(String migrationId, int operation, int rows, int newRows) {
		this.listeners.forEach((listener) -> listener.batchSplit(migrationId, operation, rows, newRows));
	}

	@Override
	public void batchRetry(String migrationId, int operation, int attempt, Duration delay, String reason) {
		this.listeners.forEach((listener) -> listener.batchRetry(migrationId, operation, attempt, delay, reason));
	}

	@Override
	public void applicationSync(String migrationId, int operation, int keys, int rowsWritten, Duration time) {
		this.listeners.forEach((listener) -> listener.applicationSync(migrationId, operation, keys, rowsWritten, time));
	}

}

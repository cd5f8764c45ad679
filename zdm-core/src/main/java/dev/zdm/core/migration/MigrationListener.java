package dev.zdm.core.migration;

import java.time.Duration;

/**
 * Hears what zdm does, for metrics and logs. Every method has a no-op default; implementations must be
 * fast and must not throw.
 */
public interface MigrationListener {

	/** A listener that does nothing. */
	MigrationListener NONE = new MigrationListener() {
	};

	/** A migration moved from one phase to another. */
	default void phaseChanged(String migrationId, Phase from, Phase to) {
	}

	/** A DDL statement did not get its lock within the lock timeout and will be retried after {@code delay}. */
	default void lockRetry(String description, int attempt, Duration delay) {
	}

	/** A backfill batch committed. */
	default void batchCompleted(String migrationId, int operation, int rowsScanned, int rowsUpdated, Duration time) {
	}

}

package dev.zdm.core.migration;

import java.time.Duration;

import dev.zdm.core.backfill.Throttle;

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

	/** A backfill throttle signal started firing; the backfill responds to it until {@link #throttleCleared}. */
	default void throttled(String migrationId, Throttle throttle) {
	}

	/** A backfill throttle signal stopped firing (or the backfill run it slowed ended). */
	default void throttleCleared(String migrationId, Throttle throttle) {
	}

	/** A backfill batch took longer than the batch timeout and is split in two. */
	default void batchSplit(String migrationId, int operation, int rows, int newRows) {
	}

	/** A backfill batch failed with a transient error and is retried after {@code delay}. */
	default void batchRetry(String migrationId, int operation, int attempt, Duration delay, String reason) {
	}

	/**
	 * The application kept the rows of one write in step ({@code @DualWrite}): one set-based sync of
	 * {@code keys} written rows, of which {@code rowsWritten} needed their other shape written, in {@code time}.
	 */
	default void applicationSync(String migrationId, int operation, int keys, int rowsWritten, Duration time) {
	}

}

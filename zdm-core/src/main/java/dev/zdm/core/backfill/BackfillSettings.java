package dev.zdm.core.backfill;

import java.time.Duration;
import java.util.Objects;

/**
 * How backfills run.
 *
 * @param initialBatchSize rows in the first batch
 * @param minBatchSize the smallest batch the size adapts down to
 * @param maxBatchSize the largest batch the size adapts up to
 * @param targetBatchTime the time a batch should take; the batch size adapts towards it, so a batch never
 * holds its row locks for much longer
 * @param leaseDuration how long a claimed range stays claimed without a checkpoint; a dead instance's range
 * is taken over after this
 * @param lockTimeout the longest a batch waits for a row lock held by the application before it is retried
 * @param maxRanges the most ranges a table's key space is split into, so several instances can share it
 * @param pause a pause between batches, to leave room for the application; zero for none (a hard limit)
 * @param parallelism how many ranges one instance works on at once, each on its own connection; the ones
 * beyond the first work only while no throttle signal fires
 * @param rowsPerRange about how many rows one range holds (at most {@code maxRanges} ranges)
 * @param batchTimeout the longest one batch may run ({@code statement_timeout}); a batch that takes longer is
 * split in two
 * @param maxRetries how often a batch that failed with a transient error (serialization failure, deadlock,
 * lack of resources) is retried before the backfill fails
 * @param retryBackoff the pause before the first retry; it doubles with each further one
 * @param maxRowsPerSecond the most rows per second this instance visits, over all its ranges; zero for no
 * limit (a hard limit)
 * @param finalScan whether verification scans the whole table again after the backfill; without it each
 * batch verifies its own key range in its own transaction (see {@code docs/backfill.md})
 * @param throttle the throttle signals' thresholds
 */
public record BackfillSettings(int initialBatchSize, int minBatchSize, int maxBatchSize, Duration targetBatchTime,
		Duration leaseDuration, Duration lockTimeout, int maxRanges, Duration pause, int parallelism, long rowsPerRange,
		Duration batchTimeout, int maxRetries, Duration retryBackoff, long maxRowsPerSecond, boolean finalScan,
		ThrottleSettings throttle) {

	public static BackfillSettings defaults() {
		return new BackfillSettings(1000, 100, 10_000, Duration.ofMillis(50), Duration.ofSeconds(60),
				Duration.ofSeconds(1), 16, Duration.ZERO);
	}

	/** The settings of earlier versions; everything added since takes its default. */
	public BackfillSettings(int initialBatchSize, int minBatchSize, int maxBatchSize, Duration targetBatchTime,
			Duration leaseDuration, Duration lockTimeout, int maxRanges, Duration pause) {
		this(initialBatchSize, minBatchSize, maxBatchSize, targetBatchTime, leaseDuration, lockTimeout, maxRanges, pause,
				2, 100_000, Duration.ofSeconds(30), 5, Duration.ofMillis(200), 0, false, ThrottleSettings.defaults());
	}

	public BackfillSettings {
		if (minBatchSize < 1 || minBatchSize > maxBatchSize || initialBatchSize < minBatchSize
				|| initialBatchSize > maxBatchSize) {
			throw new IllegalArgumentException("batch sizes must satisfy 1 <= min <= initial <= max");
		}
		if (maxRanges < 1) {
			throw new IllegalArgumentException("max ranges must be at least 1");
		}
		if (parallelism < 1) {
			throw new IllegalArgumentException("parallelism must be at least 1");
		}
		if (rowsPerRange < 1) {
			throw new IllegalArgumentException("rows per range must be at least 1");
		}
		if (maxRetries < 0 || maxRowsPerSecond < 0) {
			throw new IllegalArgumentException("max retries and max rows per second must not be negative");
		}
		Objects.requireNonNull(batchTimeout, "batchTimeout");
		Objects.requireNonNull(retryBackoff, "retryBackoff");
		Objects.requireNonNull(throttle, "throttle");
	}

	public BackfillSettings withBatchSizes(int initial, int min, int max) {
		return new BackfillSettings(initial, min, max, this.targetBatchTime, this.leaseDuration, this.lockTimeout,
				this.maxRanges, this.pause, this.parallelism, this.rowsPerRange, this.batchTimeout, this.maxRetries,
				this.retryBackoff, this.maxRowsPerSecond, this.finalScan, this.throttle);
	}

	public BackfillSettings withLeaseDuration(Duration leaseDuration) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, this.targetBatchTime,
				leaseDuration, this.lockTimeout, this.maxRanges, this.pause, this.parallelism, this.rowsPerRange,
				this.batchTimeout, this.maxRetries, this.retryBackoff, this.maxRowsPerSecond, this.finalScan,
				this.throttle);
	}

	public BackfillSettings withPause(Duration pause) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, this.targetBatchTime,
				this.leaseDuration, this.lockTimeout, this.maxRanges, pause, this.parallelism, this.rowsPerRange,
				this.batchTimeout, this.maxRetries, this.retryBackoff, this.maxRowsPerSecond, this.finalScan,
				this.throttle);
	}

	public BackfillSettings withTargetBatchTime(Duration targetBatchTime) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, targetBatchTime,
				this.leaseDuration, this.lockTimeout, this.maxRanges, this.pause, this.parallelism, this.rowsPerRange,
				this.batchTimeout, this.maxRetries, this.retryBackoff, this.maxRowsPerSecond, this.finalScan,
				this.throttle);
	}

	public BackfillSettings withParallelism(int parallelism) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, this.targetBatchTime,
				this.leaseDuration, this.lockTimeout, this.maxRanges, this.pause, parallelism, this.rowsPerRange,
				this.batchTimeout, this.maxRetries, this.retryBackoff, this.maxRowsPerSecond, this.finalScan,
				this.throttle);
	}

	public BackfillSettings withRanges(int maxRanges, long rowsPerRange) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, this.targetBatchTime,
				this.leaseDuration, this.lockTimeout, maxRanges, this.pause, this.parallelism, rowsPerRange,
				this.batchTimeout, this.maxRetries, this.retryBackoff, this.maxRowsPerSecond, this.finalScan,
				this.throttle);
	}

	public BackfillSettings withBatchTimeout(Duration batchTimeout) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, this.targetBatchTime,
				this.leaseDuration, this.lockTimeout, this.maxRanges, this.pause, this.parallelism, this.rowsPerRange,
				batchTimeout, this.maxRetries, this.retryBackoff, this.maxRowsPerSecond, this.finalScan, this.throttle);
	}

	public BackfillSettings withRetries(int maxRetries, Duration retryBackoff) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, this.targetBatchTime,
				this.leaseDuration, this.lockTimeout, this.maxRanges, this.pause, this.parallelism, this.rowsPerRange,
				this.batchTimeout, maxRetries, retryBackoff, this.maxRowsPerSecond, this.finalScan, this.throttle);
	}

	public BackfillSettings withMaxRowsPerSecond(long maxRowsPerSecond) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, this.targetBatchTime,
				this.leaseDuration, this.lockTimeout, this.maxRanges, this.pause, this.parallelism, this.rowsPerRange,
				this.batchTimeout, this.maxRetries, this.retryBackoff, maxRowsPerSecond, this.finalScan, this.throttle);
	}

	public BackfillSettings withFinalScan(boolean finalScan) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, this.targetBatchTime,
				this.leaseDuration, this.lockTimeout, this.maxRanges, this.pause, this.parallelism, this.rowsPerRange,
				this.batchTimeout, this.maxRetries, this.retryBackoff, this.maxRowsPerSecond, finalScan, this.throttle);
	}

	public BackfillSettings withThrottle(ThrottleSettings throttle) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, this.targetBatchTime,
				this.leaseDuration, this.lockTimeout, this.maxRanges, this.pause, this.parallelism, this.rowsPerRange,
				this.batchTimeout, this.maxRetries, this.retryBackoff, this.maxRowsPerSecond, this.finalScan, throttle);
	}

}

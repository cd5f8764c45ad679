package dev.zdm.core.backfill;

import java.time.Duration;

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
 * @param pause a pause between batches, to leave room for the application; zero for none
 */
public record BackfillSettings(int initialBatchSize, int minBatchSize, int maxBatchSize, Duration targetBatchTime,
		Duration leaseDuration, Duration lockTimeout, int maxRanges, Duration pause) {

	public static BackfillSettings defaults() {
		return new BackfillSettings(1000, 100, 50_000, Duration.ofMillis(200), Duration.ofSeconds(60),
				Duration.ofSeconds(1), 16, Duration.ZERO);
	}

	public BackfillSettings {
		if (minBatchSize < 1 || minBatchSize > maxBatchSize || initialBatchSize < minBatchSize
				|| initialBatchSize > maxBatchSize) {
			throw new IllegalArgumentException("batch sizes must satisfy 1 <= min <= initial <= max");
		}
		if (maxRanges < 1) {
			throw new IllegalArgumentException("max ranges must be at least 1");
		}
	}

	public BackfillSettings withBatchSizes(int initial, int min, int max) {
		return new BackfillSettings(initial, min, max, this.targetBatchTime, this.leaseDuration, this.lockTimeout,
				this.maxRanges, this.pause);
	}

	public BackfillSettings withLeaseDuration(Duration leaseDuration) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, this.targetBatchTime,
				leaseDuration, this.lockTimeout, this.maxRanges, this.pause);
	}

	public BackfillSettings withPause(Duration pause) {
		return new BackfillSettings(this.initialBatchSize, this.minBatchSize, this.maxBatchSize, this.targetBatchTime,
				this.leaseDuration, this.lockTimeout, this.maxRanges, pause);
	}

}

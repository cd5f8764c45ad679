package dev.zdm.core.ddl;

import java.time.Duration;

/**
 * How DDL is run.
 *
 * @param lockTimeout the longest a statement waits for its lock, and so the longest application queries
 * queue behind it
 * @param statementTimeout the longest a metadata-only statement may run
 * @param maxAttempts attempts per statement before giving up when the lock is not granted
 * @param initialBackoff the delay before the first retry; doubled each attempt, with jitter
 * @param maxBackoff the longest delay between attempts
 */
public record DdlSettings(Duration lockTimeout, Duration statementTimeout, int maxAttempts, Duration initialBackoff,
		Duration maxBackoff) {

	/** 1 s lock timeout, 30 s statement timeout, 20 attempts, backoff from 200 ms to 10 s. */
	public static DdlSettings defaults() {
		return new DdlSettings(Duration.ofSeconds(1), Duration.ofSeconds(30), 20, Duration.ofMillis(200),
				Duration.ofSeconds(10));
	}

	public DdlSettings {
		if (lockTimeout.isNegative() || lockTimeout.isZero()) {
			throw new IllegalArgumentException("lock timeout must be positive: without it DDL can block traffic indefinitely");
		}
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("max attempts must be at least 1");
		}
	}

	public DdlSettings withLockTimeout(Duration lockTimeout) {
		return new DdlSettings(lockTimeout, this.statementTimeout, this.maxAttempts, this.initialBackoff, this.maxBackoff);
	}

	public DdlSettings withMaxAttempts(int maxAttempts) {
		return new DdlSettings(this.lockTimeout, this.statementTimeout, maxAttempts, this.initialBackoff, this.maxBackoff);
	}

	public DdlSettings withBackoff(Duration initialBackoff, Duration maxBackoff) {
		return new DdlSettings(this.lockTimeout, this.statementTimeout, this.maxAttempts, initialBackoff, maxBackoff);
	}

}

package dev.zdm.core.backfill;

import java.time.Duration;

/**
 * How far a migration's backfill has come.
 *
 * @param ranges ranges planned
 * @param rangesDone ranges finished
 * @param rowsDone rows written so far
 * @param rowsTotal the planner's estimate of the rows to visit (statistics, not {@code count(*)})
 * @param state {@code RUNNING}, {@code PAUSED} or {@code CANCELLED}
 * @param rowsPerSecond the rate a running instance reported last (rows visited per second), or zero
 * @param eta the time left at that rate, or {@code null} when unknown
 * @param batchSize the batch size a running instance reported last, or zero
 * @param throttle the response to the throttle signals firing ({@code SHRINK}, {@code SLOW}, {@code STOP}), or
 * {@code null} when none fires
 * @param throttleReason why, or {@code null}
 */
public record BackfillProgress(int ranges, int rangesDone, long rowsDone, long rowsTotal, String state,
		double rowsPerSecond, Duration eta, int batchSize, String throttle, String throttleReason) {

	/** Progress without what running instances report. */
	public BackfillProgress(int ranges, int rangesDone, long rowsDone, long rowsTotal) {
		this(ranges, rangesDone, rowsDone, rowsTotal, "RUNNING", 0, null, 0, null, null);
	}

}

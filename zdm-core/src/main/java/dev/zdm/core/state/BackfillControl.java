package dev.zdm.core.state;

import java.time.Instant;

/**
 * What an operator asked of a migration's backfill, and what its running instances last reported.
 *
 * @param state {@code RUNNING}, {@code PAUSED} or {@code CANCELLED}
 * @param detail why, as given with the request
 * @param changedBy who changed the state last
 * @param changedAt when
 * @param batchSize the batch size last reported, or {@code null}
 * @param rowsPerSecond the rate last reported (rows visited per second, all ranges of the reporting
 * instance), or {@code null}
 * @param throttle the response of the strongest throttle signal firing ({@code SHRINK}, {@code SLOW},
 * {@code STOP}), or {@code null} when none fires
 * @param throttleReason the reasons of the signals firing, or {@code null}
 * @param reportedBy the instance that reported last
 * @param reportedAt when, or {@code null} before any report
 */
public record BackfillControl(String state, String detail, String changedBy, Instant changedAt, Integer batchSize,
		Double rowsPerSecond, String throttle, String throttleReason, String reportedBy, Instant reportedAt) {

	public static final String RUNNING = "RUNNING";

	public static final String PAUSED = "PAUSED";

	public static final String CANCELLED = "CANCELLED";

}

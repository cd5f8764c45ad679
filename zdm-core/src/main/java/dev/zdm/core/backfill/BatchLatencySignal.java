package dev.zdm.core.backfill;

import java.time.Duration;
import java.util.Optional;

/**
 * The backfill's own batches take longer than their target: the database is slower than when the batch
 * size was chosen. The batch size adapts to it by itself (in proportion); this signal reports it.
 */
final class BatchLatencySignal implements ThrottleSignal {

	static final String NAME = "batch-latency";

	private final Duration target;

	BatchLatencySignal(Duration target) {
		this.target = target;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Optional<Throttle> check(Context context) {
		Duration last = context.lastBatchTime();
		if (last.compareTo(this.target.multipliedBy(2)) <= 0) {
			return Optional.empty();
		}
		return Optional.of(new Throttle(NAME, Throttle.Response.SHRINK, "a batch took " + last.toMillis()
				+ " ms, over twice the target of " + this.target.toMillis() + " ms (backfill.targetBatchTime)"));
	}

}

package dev.zdm.core.backfill;

import java.util.Objects;

/**
 * A throttle signal that fired: which one, why, and how the backfill responds.
 *
 * @param signal the signal's name, e.g. {@code lock-waiters}: the tag of the metric the starter keeps
 * @param response how the backfill responds
 * @param reason what the signal saw, for people: status, the event log, logs
 */
public record Throttle(String signal, Response response, String reason) {

	public Throttle {
		Objects.requireNonNull(signal, "signal");
		Objects.requireNonNull(response, "response");
		Objects.requireNonNull(reason, "reason");
	}

	/** How a backfill responds to a signal, mildest first. */
	public enum Response {

		/** Batches aim at half the target batch time, so about half the rows (down to the minimum size). */
		SHRINK,
		/**
		 * Batches aim at half the target batch time and each is followed by a pause of three times its time, so
		 * the backfill works at most a quarter of the time; instances work on one range at a time.
		 */
		SLOW,
		/** Run no batch until the signal clears (no lease renewed, no transaction open). */
		STOP

	}

}

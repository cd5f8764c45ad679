package dev.zdm.core.backfill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The thresholds of the throttle signals; zero turns a signal off.
 *
 * @param checkInterval how often the signals are checked while a backfill runs (and while it is stopped)
 * @param maxLockWaiters sessions waiting for a lock on a table being backfilled at which the backfill slows
 * @param maxActiveSessions active sessions of the server (other than zdm's own) at which the backfill slows:
 * about the server's number of cores
 * @param maxReplicationLag replay lag of a standby ({@code pg_stat_replication}) at which the backfill stops
 * @param maxSlotLagBytes WAL a replication slot (logical or physical) has not confirmed yet at which the
 * backfill stops
 * @param maxTransactionAge age of the oldest transaction holding back the xmin horizon in this database at
 * which the backfill stops: until it ends, every row the backfill rewrites only adds a dead version
 * @param maxVacuumWait how long at most the backfill stops for one vacuum (autovacuum or {@code VACUUM}) working on
 * a table being backfilled; after that it goes on beside the vacuum
 * @param signals further signals, supplied by the application
 */
public record ThrottleSettings(Duration checkInterval, int maxLockWaiters, int maxActiveSessions,
		Duration maxReplicationLag, long maxSlotLagBytes, Duration maxTransactionAge, Duration maxVacuumWait,
		List<ThrottleSignal> signals) {

	public static ThrottleSettings defaults() {
		return new ThrottleSettings(Duration.ofMillis(500), 1, 4, Duration.ofSeconds(10), 1024L * 1024 * 1024,
				Duration.ofMinutes(5), Duration.ofMinutes(10), List.of());
	}

	/** No signal but the backfill's own batch latency (and the hard limits of {@link BackfillSettings}). */
	public static ThrottleSettings off() {
		return new ThrottleSettings(Duration.ofMillis(500), 0, 0, Duration.ZERO, 0, Duration.ZERO, Duration.ZERO, List.of());
	}

	public ThrottleSettings {
		Objects.requireNonNull(checkInterval, "checkInterval");
		Objects.requireNonNull(maxReplicationLag, "maxReplicationLag");
		Objects.requireNonNull(maxTransactionAge, "maxTransactionAge");
		Objects.requireNonNull(maxVacuumWait, "maxVacuumWait");
		signals = List.copyOf(signals);
	}

	public ThrottleSettings withCheckInterval(Duration checkInterval) {
		return new ThrottleSettings(checkInterval, this.maxLockWaiters, this.maxActiveSessions, this.maxReplicationLag,
				this.maxSlotLagBytes, this.maxTransactionAge, this.maxVacuumWait, this.signals);
	}

	public ThrottleSettings withMaxLockWaiters(int maxLockWaiters) {
		return new ThrottleSettings(this.checkInterval, maxLockWaiters, this.maxActiveSessions, this.maxReplicationLag,
				this.maxSlotLagBytes, this.maxTransactionAge, this.maxVacuumWait, this.signals);
	}

	public ThrottleSettings withMaxActiveSessions(int maxActiveSessions) {
		return new ThrottleSettings(this.checkInterval, this.maxLockWaiters, maxActiveSessions, this.maxReplicationLag,
				this.maxSlotLagBytes, this.maxTransactionAge, this.maxVacuumWait, this.signals);
	}

	public ThrottleSettings withMaxReplicationLag(Duration maxReplicationLag, long maxSlotLagBytes) {
		return new ThrottleSettings(this.checkInterval, this.maxLockWaiters, this.maxActiveSessions, maxReplicationLag,
				maxSlotLagBytes, this.maxTransactionAge, this.maxVacuumWait, this.signals);
	}

	public ThrottleSettings withMaxTransactionAge(Duration maxTransactionAge) {
		return new ThrottleSettings(this.checkInterval, this.maxLockWaiters, this.maxActiveSessions,
				this.maxReplicationLag, this.maxSlotLagBytes, maxTransactionAge, this.maxVacuumWait, this.signals);
	}

	public ThrottleSettings withMaxVacuumWait(Duration maxVacuumWait) {
		return new ThrottleSettings(this.checkInterval, this.maxLockWaiters, this.maxActiveSessions,
				this.maxReplicationLag, this.maxSlotLagBytes, this.maxTransactionAge, maxVacuumWait, this.signals);
	}

	/** These settings with one more signal of the application's. */
	public ThrottleSettings withSignal(ThrottleSignal signal) {
		List<ThrottleSignal> more = new ArrayList<>(this.signals);
		more.add(signal);
		return new ThrottleSettings(this.checkInterval, this.maxLockWaiters, this.maxActiveSessions,
				this.maxReplicationLag, this.maxSlotLagBytes, this.maxTransactionAge, this.maxVacuumWait, more);
	}

	/** The signals these settings turn on, zdm's first, then the application's. */
	List<ThrottleSignal> build(Duration targetBatchTime) {
		List<ThrottleSignal> built = new ArrayList<>();
		built.add(new BatchLatencySignal(targetBatchTime));
		if (this.maxLockWaiters > 0) {
			built.add(new LockWaitersSignal(this.maxLockWaiters));
		}
		if (this.maxActiveSessions > 0) {
			built.add(new ActiveSessionsSignal(this.maxActiveSessions));
		}
		if (!this.maxReplicationLag.isZero() || this.maxSlotLagBytes > 0) {
			built.add(new ReplicationLagSignal(this.maxReplicationLag, this.maxSlotLagBytes));
		}
		if (!this.maxTransactionAge.isZero()) {
			built.add(new LongTransactionSignal(this.maxTransactionAge));
		}
		if (!this.maxVacuumWait.isZero()) {
			built.add(new VacuumSignal(this.maxVacuumWait));
		}
		built.addAll(this.signals);
		return built;
	}

}

package dev.zdm.core.backfill;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.state.BackfillControl;
import dev.zdm.core.state.BackfillControls;
import dev.zdm.core.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the throttle signals and the control row of one backfill run at most every check interval, for all
 * the run's workers; records each signal when it starts and stops firing (event log, listener, log) and
 * reports batch size, rate and throttle state to the control row. A signal counts as cleared once it has not
 * fired for three intervals, so a signal at its threshold does not fill the event log.
 */
final class Throttler {

	private static final Logger logger = LoggerFactory.getLogger(Throttler.class);

	private final DataSource dataSource;

	private final StateStore state;

	private final BackfillControls controls;

	private final MigrationListener listener;

	private final String migrationId;

	private final List<QualifiedName> tables;

	private final String owner;

	private final List<ThrottleSignal> signals;

	private final long intervalNanos;

	private final long maxRowsPerSecond;

	/** zdm's own sessions, which no signal counts as the application's: shared by the runs of one engine. */
	private final Set<Integer> ownPids;

	private final AtomicLong rows = new AtomicLong();

	private final Map<String, Throttle> firing = new LinkedHashMap<>();

	private final Map<String, Long> lastFired = new LinkedHashMap<>();

	private final Set<String> broken = ConcurrentHashMap.newKeySet();

	private long lastCheck;

	private long rowsAtLastCheck;

	private long maxBatchNanos;

	private volatile int batchSize;

	private volatile BackfillControl control;

	private volatile Throttle strongest;

	private long nextFree;

	private volatile long lastSlowed = Long.MIN_VALUE;

	Throttler(DataSource dataSource, StateStore state, MigrationListener listener, String migrationId,
			List<QualifiedName> tables, String owner, BackfillSettings settings) {
		this(dataSource, state, listener, migrationId, tables, owner, settings, ConcurrentHashMap.newKeySet());
	}

	/**
	 * A throttler that registers its sessions in {@code ownPids}, the set of every backfill session of its
	 * engine: several migrations backfilling at once on one instance do not count each other as load.
	 */
	Throttler(DataSource dataSource, StateStore state, MigrationListener listener, String migrationId,
			List<QualifiedName> tables, String owner, BackfillSettings settings, Set<Integer> ownPids) {
		this.ownPids = ownPids;
		this.dataSource = dataSource;
		this.state = state;
		this.controls = new BackfillControls(state);
		this.listener = listener;
		this.migrationId = migrationId;
		this.tables = tables;
		this.owner = owner;
		this.signals = settings.throttle().build(settings.targetBatchTime());
		this.intervalNanos = settings.throttle().checkInterval().toNanos();
		this.maxRowsPerSecond = settings.maxRowsPerSecond();
		this.batchSize = settings.initialBatchSize();
		this.lastCheck = System.nanoTime() - this.intervalNanos;
		this.rowsAtLastCheck = 0;
	}

	void register(int pid) {
		this.ownPids.add(pid);
	}

	void unregister(int pid) {
		this.ownPids.remove(pid);
	}

	/** A batch committed: {@code scanned} rows visited in {@code time}. */
	synchronized void batchDone(long scanned, Duration time, int nextBatchSize) {
		this.rows.addAndGet(scanned);
		this.maxBatchNanos = Math.max(this.maxBatchNanos, time.toNanos());
		this.batchSize = nextBatchSize;
	}

	/**
	 * How long to wait before the next batch so that all workers together stay under
	 * {@code maxRowsPerSecond}, having just visited {@code scanned} rows.
	 */
	synchronized long paceNanos(long scanned) {
		if (this.maxRowsPerSecond <= 0) {
			return 0;
		}
		long now = System.nanoTime();
		this.nextFree = Math.max(this.nextFree, now) + scanned * 1_000_000_000L / this.maxRowsPerSecond;
		return Math.max(0, this.nextFree - now - scanned * 1_000_000_000L / this.maxRowsPerSecond / 2);
	}

	/** The strongest throttle firing, checking the signals first when the interval passed. */
	Optional<Throttle> current() {
		checkIfDue();
		return Optional.ofNullable(this.strongest);
	}

	/**
	 * Whether a signal slows or stops the backfill, or did within the last ten check intervals: the extra
	 * workers return only once the database has stayed quiet for a while, so a signal that clears and fires
	 * again does not let them hit the application each time.
	 */
	boolean slowedRecently() {
		checkIfDue();
		Throttle top = this.strongest;
		return (top != null && top.response() != Throttle.Response.SHRINK)
				|| (this.lastSlowed != Long.MIN_VALUE && System.nanoTime() - this.lastSlowed < 10 * this.intervalNanos);
	}

	/** The control row as last read, checking first when the interval passed. */
	BackfillControl control() {
		checkIfDue();
		return this.control;
	}

	/** Checks now, whatever the interval. */
	void checkNow() {
		synchronized (this) {
			this.lastCheck = System.nanoTime() - this.intervalNanos;
		}
		checkIfDue();
	}

	private synchronized void checkIfDue() {
		long now = System.nanoTime();
		if (now - this.lastCheck < this.intervalNanos) {
			return;
		}
		double seconds = (now - this.lastCheck) / 1e9;
		this.lastCheck = now;
		long rowsNow = this.rows.get();
		double rate = (rowsNow - this.rowsAtLastCheck) / seconds;
		this.rowsAtLastCheck = rowsNow;
		Duration lastBatch = Duration.ofNanos(this.maxBatchNanos);
		this.maxBatchNanos = 0;
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(true);
			ThrottleSignal.Context context = new ThrottleSignal.Context(connection, this.migrationId, this.tables,
					List.copyOf(this.ownPids), lastBatch);
			Map<String, Throttle> now2 = new LinkedHashMap<>();
			for (ThrottleSignal signal : this.signals) {
				try {
					signal.check(context).ifPresent((throttle) -> now2.put(signal.name(), throttle));
				}
				catch (SQLException | RuntimeException ex) {
					if (this.broken.add(signal.name())) {
						logger.warn("Backfill of {}: throttle signal {} could not be checked, so it is ignored: {}",
								this.migrationId, signal.name(), ex.getMessage());
					}
				}
			}
			record(connection, now, now2);
			Throttle top = this.firing.values().stream().max(Comparator.comparing(Throttle::response)).orElse(null);
			this.strongest = top;
			if (top != null && top.response() != Throttle.Response.SHRINK) {
				this.lastSlowed = now;
			}
			String reasons = this.firing.isEmpty() ? null
					: this.firing.values().stream().map((t) -> t.signal() + ": " + t.reason())
						.collect(Collectors.joining("; "));
			this.controls.report(connection, this.migrationId, this.batchSize, rate,
					(top != null) ? top.response().name() : null, reasons, this.owner);
			this.control = this.controls.find(connection, this.migrationId).orElse(null);
		}
		catch (SQLException ex) {
			logger.warn("Backfill of {}: could not check the throttle signals: {}", this.migrationId, ex.getMessage());
		}
	}

	private void record(Connection connection, long now, Map<String, Throttle> seen) throws SQLException {
		for (Map.Entry<String, Throttle> entry : seen.entrySet()) {
			this.lastFired.put(entry.getKey(), now);
			if (!this.firing.containsKey(entry.getKey())) {
				Throttle throttle = entry.getValue();
				logger.info("Backfill of {} throttled ({}): {}", this.migrationId, throttle.response(), throttle.reason());
				this.state.event(connection, this.migrationId, "throttle", null, null, this.owner,
						throttle.signal() + " (" + throttle.response() + "): " + throttle.reason());
				this.listener.throttled(this.migrationId, throttle);
			}
			this.firing.put(entry.getKey(), entry.getValue());
		}
		for (String name : new ArrayList<>(this.firing.keySet())) {
			if (!seen.containsKey(name) && now - this.lastFired.get(name) >= 3 * this.intervalNanos) {
				Throttle cleared = this.firing.remove(name);
				logger.info("Backfill of {}: throttle signal {} cleared", this.migrationId, name);
				this.state.event(connection, this.migrationId, "throttle-cleared", null, null, this.owner,
						name + " cleared (was: " + cleared.reason() + ")");
				this.listener.throttleCleared(this.migrationId, cleared);
			}
		}
	}

	/** Records that the run ended: no throttle fires for it any more. */
	void finish() {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(true);
			synchronized (this) {
				for (Throttle cleared : this.firing.values()) {
					this.listener.throttleCleared(this.migrationId, cleared);
				}
				this.firing.clear();
				this.strongest = null;
			}
			this.controls.report(connection, this.migrationId, this.batchSize, 0, null, null, this.owner);
		}
		catch (SQLException ex) {
			logger.warn("Backfill of {}: could not report its end: {}", this.migrationId, ex.getMessage());
		}
	}

}

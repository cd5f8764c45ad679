package dev.zdm.core.backfill;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.ddl.DdlExecutor;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.state.BackfillControl;
import dev.zdm.core.state.BackfillControls;
import dev.zdm.core.state.StateStore;
import dev.zdm.core.sync.SyncTrigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies existing rows in keyset batches over the primary key, one {@code UPDATE} per batch.
 * <p>
 * Each batch computes the new value from the row as it is when the batch writes it, so a concurrent write
 * is never overwritten by a stale value; rows already correct (written through the sync trigger) are
 * skipped. The key space is split into ranges leased with {@code FOR UPDATE SKIP LOCKED}, so instances
 * share the work and a dead instance's range is taken over once its lease expires. The cursor of a range
 * advances in the same transaction as its batch: a crash loses at most the batch in flight, which is
 * rolled back.
 */
public final class BackfillEngine {

	private static final Logger logger = LoggerFactory.getLogger(BackfillEngine.class);

	private static final long KEYS_PER_RANGE = 100_000;

	/** Under a signal that slows the backfill, the pause after a batch is this many times the batch's time. */
	private static final long SLOW_PAUSE_FACTOR = 16;

	private static final int VERIFY_BATCH = 10_000;

	/** Up to this many rows, the ranges of a key that is not one integer are split at exact quantiles. */
	private static final long EXACT_SPLIT_ROWS = 2_000_000;

	private final DataSource dataSource;

	private final StateStore state;

	private final BackfillSettings settings;

	private final MigrationListener listener;

	private final String owner;

	private final BackfillControls controls;

	/** Set by {@link #stop()}: every run of this engine stops after its batch in flight. */
	private volatile boolean stopped;

	/** The sessions of every backfill this engine runs: throttle signals do not count them as load. */
	private final java.util.Set<Integer> sessions = java.util.concurrent.ConcurrentHashMap.newKeySet();

	/** Wakes the pauses between batches and waits when the engine is stopped. */
	private final Object stopSignal = new Object();

	public BackfillEngine(DataSource dataSource, StateStore state, BackfillSettings settings, MigrationListener listener,
			String owner) {
		this.dataSource = dataSource;
		this.state = state;
		this.settings = settings;
		this.listener = listener;
		this.owner = owner;
		this.controls = new BackfillControls(state);
	}

	private String ranges() {
		return this.state.table("zdm_backfill_range");
	}

	/**
	 * Stops every backfill this engine runs, and any it is asked to run until {@link #resumeAfterStop()}: each
	 * worker finishes and commits its batch in flight, then this instance gives up its leases at once (other
	 * instances take the ranges over without waiting for the leases to expire) and {@link #run} throws
	 * {@link BackfillStoppedException}. Returns at once; the runs end within a batch.
	 */
	public void stop() {
		this.stopped = true;
		synchronized (this.stopSignal) {
			this.stopSignal.notifyAll();
		}
	}

	/** Lets this engine run backfills again after {@link #stop()}. */
	public void resumeAfterStop() {
		this.stopped = false;
	}

	/** Whether {@link #stop()} was called (and not {@linkplain #resumeAfterStop() undone}). */
	public boolean isStopped() {
		return this.stopped;
	}

	private void stopIfStopped(String migrationId) {
		if (this.stopped) {
			throw new BackfillStoppedException("The backfill of " + migrationId + " stopped on instance " + this.owner
					+ " because the instance is stopping; its batch in flight committed and its ranges were released to "
					+ "the other instances. Advance the migration again (on any instance) to go on from its checkpoints");
		}
	}

	/**
	 * Splits the table's key space into ranges for operation {@code operation}, in the caller's transaction,
	 * unless that was already done. The last range is open at its end.
	 */
	public void plan(Connection connection, String migrationId, int operation, BackfillTarget target)
			throws SQLException {
		plan(connection, migrationId, operation, target, false);
	}

	/**
	 * Splits the table's key space into ranges for operation {@code operation}, in the caller's transaction,
	 * unless that was already done.
	 * <p>
	 * The last range ends at the table's greatest key when the rows written after planning need no backfill:
	 * every column of the target is kept by a sync trigger, which computes it on each insert and on each update
	 * of the key (the triggers exist since expand, and no write that began before them can commit after them);
	 * or {@code applicationSynced}, a pass whose writers compute its columns themselves and whose verification
	 * compares every row of the table. Otherwise the last range is open at its end, and the backfill also
	 * visits the rows inserted while it runs. A bounded backfill ends even while the application inserts as
	 * fast as the table takes rows; an open one, slowed by a throttle, may not. {@link #reset} opens the last
	 * range again, for a rerun after a verification found a row the bounded ranges did not cover.
	 *
	 * @param applicationSynced whether the application keeps the rows written meanwhile in step (a Java
	 * transform's pass)
	 */
	public void plan(Connection connection, String migrationId, int operation, BackfillTarget target,
			boolean applicationSynced) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT 1 FROM " + ranges() + " WHERE migration_id = ? AND operation_index = ? LIMIT 1")) {
			statement.setString(1, migrationId);
			statement.setInt(2, operation);
			try (ResultSet rs = statement.executeQuery()) {
				if (rs.next()) {
					return;
				}
			}
		}
		List<String[]> bounds = bounds(connection, target);
		String stamp = syncStamp(connection, target);
		boolean bounded = stamp != null || applicationSynced;
		String[] greatest = bounded ? greatestKey(connection, target) : null;
		bounds.set(bounds.size() - 1, greatest);
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + ranges()
				+ " (migration_id, operation_index, range_id, lower_key, upper_key, cursor_key, sync_stamp, done) "
				+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
			for (int i = 0; i < bounds.size(); i++) {
				String[] lower = (i == 0) ? null : bounds.get(i - 1);
				String[] upper = bounds.get(i);
				insert.setString(1, migrationId);
				insert.setInt(2, operation);
				insert.setInt(3, i + 1);
				insert.setArray(4, array(connection, lower));
				insert.setArray(5, array(connection, upper));
				insert.setArray(6, array(connection, lower));
				insert.setString(7, stamp);
				// A bounded backfill of an empty table has no row to visit.
				insert.setBoolean(8, bounded && greatest == null);
				insert.addBatch();
			}
			insert.executeBatch();
		}
	}

	/**
	 * The stamp of the sync triggers that keep a target's columns in step, or {@code null} when the target
	 * may have a column no trigger keeps (then verification scans the whole table).
	 */
	private static String syncStamp(Connection connection, BackfillTarget target) throws SQLException {
		List<Identifier> triggers = target.bypassTriggers();
		if (triggers.isEmpty() || triggers.size() < target.assignments().size()) {
			return null;
		}
		return new CatalogReader(connection).triggerStamp(target.table(),
				triggers.stream().map(Identifier::name).toList());
	}

	/** The table's greatest key, or {@code null} when it has no row. */
	private static String[] greatestKey(Connection connection, BackfillTarget target) throws SQLException {
		List<ColumnInfo> key = target.key();
		String asText = key.stream().map((column) -> quoted(column) + "::text").collect(Collectors.joining(", "));
		String descending = key.stream().map((column) -> quoted(column) + " DESC").collect(Collectors.joining(", "));
		seeEveryRow(connection);
		try (PreparedStatement statement = connection.prepareStatement("SELECT ARRAY[" + asText + "] FROM "
				+ target.table().quoted() + " ORDER BY " + descending + " LIMIT 1");
				ResultSet rs = statement.executeQuery()) {
			return rs.next() ? strings(rs.getArray(1)) : null;
		}
		catch (SQLException ex) {
			throw isRowSecurityError(ex) ? new SQLException(rowSecurityStop(target), ex.getSQLState(), ex) : ex;
		}
	}

	/** Inclusive upper bounds of the ranges; the last is {@code null} (unbounded). */
	private List<String[]> bounds(Connection connection, BackfillTarget target) throws SQLException {
		List<String[]> bounds = new ArrayList<>();
		List<ColumnInfo> key = target.key();
		try {
			if (this.settings.maxRanges() > 1) {
				if (key.size() == 1 && List.of("smallint", "integer", "bigint").contains(key.get(0).type())) {
					integerBounds(connection, target, bounds);
				}
				else {
					sampledBounds(connection, target, bounds);
				}
			}
		}
		catch (SQLException ex) {
			throw isRowSecurityError(ex) ? new SQLException(rowSecurityStop(target), ex.getSQLState(), ex) : ex;
		}
		bounds.add(null);
		return bounds;
	}

	/** An integer key: ranges of equal width between its minimum and maximum. */
	private void integerBounds(Connection connection, BackfillTarget target, List<String[]> bounds)
			throws SQLException {
		String column = quoted(target.key().get(0));
		seeEveryRow(connection);
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT min(" + column + "), max(" + column + ") FROM " + target.table().quoted());
				ResultSet rs = statement.executeQuery()) {
			rs.next();
			long min = rs.getLong(1);
			boolean empty = rs.wasNull();
			long max = rs.getLong(2);
			if (!empty) {
				long width = max - min + 1;
				long perRange = Math.min(KEYS_PER_RANGE, this.settings.rowsPerRange());
				long count = Math.max(1, Math.min(this.settings.maxRanges(), (width + perRange - 1) / perRange));
				long step = (width + count - 1) / count;
				for (long i = 1; i < count; i++) {
					bounds.add(new String[] { Long.toString(min + i * step - 1) });
				}
			}
		}
	}

	/**
	 * Any other key (uuid, text, composite): ranges holding about as many rows each, split at keys read from
	 * the table itself. Up to {@link #EXACT_SPLIT_ROWS} rows every key is read in key order (one index scan);
	 * above, a {@code TABLESAMPLE} of the table's blocks gives the split keys.
	 */
	private void sampledBounds(Connection connection, BackfillTarget target, List<String[]> bounds)
			throws SQLException {
		List<ColumnInfo> key = target.key();
		String keys = key.stream().map(BackfillEngine::quoted).collect(Collectors.joining(", "));
		String asText = key.stream().map((column) -> quoted(column) + "::text").collect(Collectors.joining(", "));
		long estimate = new CatalogReader(connection).estimatedRows(target.table());
		seeEveryRow(connection);
		if (estimate < EXACT_SPLIT_ROWS) {
			// Statistics may be missing (never analyzed): count, but no further than the exact split reads anyway.
			try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM "
					+ target.table().quoted() + " LIMIT " + EXACT_SPLIT_ROWS + ") AS _zdm_rows");
					ResultSet rs = statement.executeQuery()) {
				rs.next();
				estimate = Math.max(estimate, rs.getLong(1));
			}
		}
		long count = Math.max(1, Math.min(this.settings.maxRanges(),
				(estimate + this.settings.rowsPerRange() - 1) / this.settings.rowsPerRange()));
		if (count <= 1) {
			return;
		}
		List<String[]> found = new ArrayList<>();
		if (estimate <= EXACT_SPLIT_ROWS) {
			long step = (estimate + count - 1) / count;
			try (PreparedStatement statement = connection.prepareStatement("SELECT ARRAY[" + asText + "] FROM (SELECT "
					+ keys + ", row_number() OVER (ORDER BY " + keys + ") AS _zdm_n FROM " + target.table().quoted()
					+ ") AS _zdm_keys WHERE _zdm_n % ? = 0 ORDER BY _zdm_n LIMIT ?")) {
				statement.setLong(1, step);
				statement.setLong(2, count - 1);
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						found.add(strings(rs.getArray(1)));
					}
				}
			}
		}
		else {
			double percent = Math.min(100.0, 100.0 * Math.max(10_000, count * 200) / estimate);
			List<String[]> sample = new ArrayList<>();
			try (PreparedStatement statement = connection.prepareStatement("SELECT ARRAY[" + asText + "] FROM (SELECT "
					+ keys + " FROM " + target.table().quoted() + " TABLESAMPLE SYSTEM (?)) AS _zdm_sample ORDER BY "
					+ keys)) {
				statement.setDouble(1, percent);
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						sample.add(strings(rs.getArray(1)));
					}
				}
			}
			for (long i = 1; i < count && !sample.isEmpty(); i++) {
				String[] bound = sample.get((int) Math.min(sample.size() - 1, i * sample.size() / count));
				if (found.isEmpty() || !java.util.Arrays.equals(found.get(found.size() - 1), bound)) {
					found.add(bound);
				}
			}
		}
		bounds.addAll(found);
	}

	/** Rows and ranges done so far for a migration, with what its running instances last reported. */
	public BackfillProgress progress(String migrationId, Map<Integer, BackfillTarget> targets) {
		try (Connection connection = this.dataSource.getConnection()) {
			int ranges = 0;
			int done = 0;
			long rows = 0;
			try (PreparedStatement statement = connection.prepareStatement("SELECT count(*), count(*) FILTER (WHERE done), "
					+ "coalesce(sum(rows_done), 0) FROM " + ranges() + " WHERE migration_id = ?")) {
				statement.setString(1, migrationId);
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					ranges = rs.getInt(1);
					done = rs.getInt(2);
					rows = rs.getLong(3);
				}
			}
			long total = 0;
			CatalogReader catalog = new CatalogReader(connection);
			for (BackfillTarget target : targets.values()) {
				total += catalog.estimatedRows(target.table());
			}
			total = Math.max(total, rows);
			BackfillControl control = this.controls.find(connection, migrationId).orElse(null);
			if (control == null) {
				return new BackfillProgress(ranges, done, rows, total);
			}
			double rate = (control.rowsPerSecond() != null) ? control.rowsPerSecond() : 0;
			Duration eta = (rate > 0 && done < ranges) ? Duration.ofMillis((long) ((total - rows) * 1000 / rate)) : null;
			return new BackfillProgress(ranges, done, rows, total, control.state(), rate, eta,
					(control.batchSize() != null) ? control.batchSize() : 0, control.throttle(), control.throttleReason());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read backfill progress: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Pauses, resumes or cancels a migration's backfill ({@link BackfillControl#PAUSED}, {@code RUNNING},
	 * {@code CANCELLED}), in the caller's transaction; running instances see it within a check interval and
	 * stop after their batch in flight. Returns the state it replaced.
	 */
	public String control(Connection connection, String migrationId, String state, String detail, String actor)
			throws SQLException {
		return this.controls.setState(connection, migrationId, state, detail, actor);
	}

	/** The control row of a migration, if any. */
	public Optional<BackfillControl> control(String migrationId) {
		try (Connection connection = this.dataSource.getConnection()) {
			return this.controls.find(connection, migrationId);
		}
		catch (SQLException ex) {
			throw new BackfillException("Could not read the backfill control of " + migrationId + ": " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Works on the migration's ranges until every one is done, by this instance or others, with up to
	 * {@link BackfillSettings#parallelism()} connections; returns the rows this call wrote.
	 * @throws BackfillPausedException if the backfill is paused or cancelled, now or while it runs
	 */
	public long run(String migrationId, Map<Integer, BackfillTarget> targets) {
		return run(migrationId, targets, Map.of());
	}

	/**
	 * Like {@link #run(String, Map)}, where the passes in {@code transforms} (by the same index as in
	 * {@code targets}) compute their values in Java ({@link TransformBatch}).
	 */
	public long run(String migrationId, Map<Integer, BackfillTarget> targets,
			Map<Integer, TransformTarget.Pass> transforms) {
		List<QualifiedName> tables = targets.values().stream().map(BackfillTarget::table).distinct().toList();
		Throttler throttler = new Throttler(this.dataSource, this.state, this.listener, migrationId, tables, this.owner,
				this.settings, this.sessions);
		throttler.checkNow();
		stopIfPaused(migrationId, throttler);
		AtomicBoolean stop = new AtomicBoolean();
		try {
			stopIfStopped(migrationId);
			int workers = this.settings.parallelism();
			if (workers == 1) {
				try {
					return worker(0, migrationId, targets, transforms, throttler, stop);
				}
				catch (BackfillStoppedException ex) {
					releaseLeases(migrationId);
					throw ex;
				}
			}
			ExecutorService executor = Executors.newFixedThreadPool(workers, (runnable) -> {
				Thread thread = new Thread(runnable, "zdm-backfill-" + migrationId);
				thread.setDaemon(true);
				return thread;
			});
			try {
				List<Future<Long>> futures = new ArrayList<>();
				for (int i = 0; i < workers; i++) {
					int index = i;
					futures.add(executor.submit(() -> {
						try {
							return worker(index, migrationId, targets, transforms, throttler, stop);
						}
						catch (RuntimeException ex) {
							stop.set(true);
							throw ex;
						}
					}));
				}
				long rows = 0;
				RuntimeException failure = null;
				for (Future<Long> future : futures) {
					try {
						rows += future.get();
					}
					catch (ExecutionException ex) {
						RuntimeException cause = (ex.getCause() instanceof RuntimeException runtime) ? runtime
								: new BackfillException("Backfill of " + migrationId + " failed: " + ex.getCause(),
										ex.getCause());
						// The first real failure wins over the workers it stopped.
						if (failure == null || (failure instanceof StoppedException && !(cause instanceof StoppedException))) {
							failure = cause;
						}
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						stop.set(true);
						throw new BackfillException("Backfill interrupted", ex);
					}
				}
				if (failure instanceof BackfillPausedException || failure instanceof BackfillStoppedException) {
					// The workers it stopped may still hold the ranges they were on.
					releaseLeases(migrationId);
				}
				if (failure != null) {
					throw failure;
				}
				return rows;
			}
			finally {
				executor.shutdownNow();
			}
		}
		finally {
			throttler.finish();
		}
	}

	/** A worker stopped because another failed. */
	private static final class StoppedException extends RuntimeException {

		StoppedException() {
			super("stopped", null, false, false);
		}

	}

	private long worker(int index, String migrationId, Map<Integer, BackfillTarget> targets,
			Map<Integer, TransformTarget.Pass> transforms, Throttler throttler, AtomicBoolean stop) {
		long rows = 0;
		int batchSize = this.settings.initialBatchSize();
		while (true) {
			if (stop.get()) {
				throw new StoppedException();
			}
			stopIfStopped(migrationId);
			// Workers beyond the first use idle capacity only: while a signal slows or stops the backfill, and for ten
			// check intervals after, they leave the work to the first.
			if (index > 0 && throttler.slowedRecently()) {
				if (remaining(migrationId) == 0) {
					return rows;
				}
				stopIfPaused(migrationId, throttler);
				sleep(Duration.ofNanos(Math.max(50_000_000, this.settings.throttle().checkInterval().toNanos())));
				continue;
			}
			Claim claim = claim(migrationId, (index == 0) ? this.owner : this.owner + "#" + index);
			if (claim != null) {
				BackfillTarget target = targets.get(claim.operation());
				if (target == null) {
					throw new IllegalStateException("Migration " + migrationId + " has a backfill range for operation "
							+ claim.operation() + ", which has nothing to backfill");
				}
				try {
					TransformTarget.Pass transform = transforms.get(claim.operation());
					RangeResult result = work(migrationId, claim, target,
							(transform != null) ? new TransformBatch(transform) : null, batchSize, throttler, stop);
					rows += result.rows();
					batchSize = result.batchSize();
				}
				catch (LeaseLostException ex) {
					logger.info("Backfill of {}: {}", migrationId, ex.getMessage());
				}
				continue;
			}
			long[] remaining = remainingRanges(migrationId);
			if (remaining[0] == 0 || index > 0) {
				// The first worker waits for the ranges other instances hold; the others have nothing left to do.
				return rows;
			}
			stopIfPaused(migrationId, throttler);
			// This instance's other workers or other instances hold the remaining ranges: wait for them to finish
			// or for their leases to expire.
			sleep(Duration.ofMillis((remaining[1] == 0) ? 20
					: Math.min(1000, Math.max(50, this.settings.leaseDuration().toMillis() / 4))));
		}
	}

	/** Throws when the backfill was paused or cancelled, after giving up this instance's leases. */
	private void stopIfPaused(String migrationId, Throttler throttler) {
		BackfillControl control = throttler.control();
		if (control == null || BackfillControl.RUNNING.equals(control.state())) {
			return;
		}
		releaseLeases(migrationId);
		throw new BackfillPausedException(control.state(), "The backfill of " + migrationId + " is "
				+ control.state().toLowerCase(java.util.Locale.ROOT) + " (by " + control.changedBy() + " at "
				+ control.changedAt() + ((control.detail() != null) ? ": " + control.detail() : "") + ")"
				+ (BackfillControl.PAUSED.equals(control.state())
						? "; resume it, then advance again: it goes on from its checkpoint" : ""));
	}

	private void releaseLeases(String migrationId) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("UPDATE " + ranges()
						+ " SET lease_owner = NULL, lease_until = NULL WHERE migration_id = ? AND (lease_owner = ? "
						+ "OR left(lease_owner, length(?) + 1) = ? || '#')")) {
			connection.setAutoCommit(true);
			statement.setString(1, migrationId);
			statement.setString(2, this.owner);
			statement.setString(3, this.owner);
			statement.setString(4, this.owner);
			statement.executeUpdate();
		}
		catch (SQLException ex) {
			throw new BackfillException("Could not release the backfill ranges of " + migrationId + ": "
					+ ex.getMessage(), ex);
		}
	}

	/** A range leased to {@code owner}: this instance's id for its first worker, {@code id#n} for the others. */
	private record Claim(int operation, int range, String[] upper, String[] cursor, String owner) {
	}

	private record RangeResult(long rows, int batchSize) {
	}

	private Claim claim(String migrationId, String owner) {
		String sql = "UPDATE " + ranges() + " SET lease_owner = ?, lease_until = clock_timestamp() + make_interval(secs => ?) "
				+ "WHERE (migration_id, operation_index, range_id) IN (SELECT migration_id, operation_index, range_id FROM "
				+ ranges() + " WHERE migration_id = ? AND NOT done AND (lease_until IS NULL OR lease_until < clock_timestamp()"
				+ " OR lease_owner = ?) ORDER BY (lease_owner = ?) IS NOT TRUE, operation_index, range_id LIMIT 1 "
				+ "FOR UPDATE SKIP LOCKED) RETURNING operation_index, range_id, upper_key, cursor_key";
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			connection.setAutoCommit(true);
			statement.setString(1, owner);
			statement.setDouble(2, this.settings.leaseDuration().toMillis() / 1000.0);
			statement.setString(3, migrationId);
			statement.setString(4, owner);
			statement.setString(5, owner);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				return new Claim(rs.getInt(1), rs.getInt(2), strings(rs.getArray(3)), strings(rs.getArray(4)), owner);
			}
		}
		catch (SQLException ex) {
			throw new BackfillException("Could not claim a backfill range of " + migrationId + ": " + ex.getMessage(), ex);
		}
	}

	/** Whether the migration is still backfilling and the range still leased to this instance. */
	private boolean holdsLease(String migrationId, Claim claim) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM " + ranges() + " r JOIN "
						+ this.state.table("zdm_migration") + " m ON m.id = r.migration_id AND m.phase IN ('BACKFILLING', 'UNDOING')"
						+ " WHERE r.migration_id = ? AND r.operation_index = ? AND r.range_id = ? AND r.lease_owner = ?")) {
			statement.setString(1, migrationId);
			statement.setInt(2, claim.operation());
			statement.setInt(3, claim.range());
			statement.setString(4, claim.owner());
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next();
			}
		}
		catch (SQLException ex) {
			throw new BackfillException("Could not read backfill ranges of " + migrationId + ": " + ex.getMessage(), ex);
		}
	}

	/** Ranges not done, and of those the ones not leased to this instance. */
	private long[] remainingRanges(String migrationId) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT count(*), count(*) FILTER (WHERE "
						+ "lease_owner IS DISTINCT FROM ? AND left(lease_owner, length(?) + 1) IS DISTINCT FROM ? || '#') FROM "
						+ ranges() + " WHERE migration_id = ? AND NOT done")) {
			statement.setString(1, this.owner);
			statement.setString(2, this.owner);
			statement.setString(3, this.owner);
			statement.setString(4, migrationId);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return new long[] { rs.getLong(1), rs.getLong(2) };
			}
		}
		catch (SQLException ex) {
			throw new BackfillException("Could not read backfill ranges of " + migrationId + ": " + ex.getMessage(), ex);
		}
	}

	private long remaining(String migrationId) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection
					.prepareStatement("SELECT count(*) FROM " + ranges() + " WHERE migration_id = ? AND NOT done")) {
			statement.setString(1, migrationId);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getLong(1);
			}
		}
		catch (SQLException ex) {
			throw new BackfillException("Could not read backfill ranges of " + migrationId + ": " + ex.getMessage(), ex);
		}
	}

	private RangeResult work(String migrationId, Claim claim, BackfillTarget target, TransformBatch transform,
			int initialBatchSize, Throttler throttler, AtomicBoolean stop) {
		String[] cursor = claim.cursor();
		int batchSize = initialBatchSize;
		long rows = 0;
		int attempts = 0;
		logger.info("Backfill of {} operation {}: working on range {} from {}", migrationId, claim.operation(),
				claim.range(), (cursor != null) ? String.join(",", cursor) : "the start");
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			// Validation refused the plan if the table has triggers that would fire and this role cannot stop them.
			boolean replica = new CatalogReader(connection).canSetSessionReplicationRole();
			int pid = backendPid(connection);
			throttler.register(pid);
			try {
				while (true) {
					if (stop.get()) {
						throw new StoppedException();
					}
					stopIfStopped(migrationId);
					Throttle throttle = waitWhileStopped(migrationId, throttler, stop);
					long started = System.nanoTime();
					Batch batch;
					try {
						batch = (transform != null)
								? transformBatch(connection, migrationId, claim, transform, cursor, batchSize, replica)
								: batch(connection, migrationId, claim, target, cursor, batchSize, replica);
						connection.commit();
						attempts = 0;
					}
					catch (SQLException ex) {
						connection.rollback();
						if (!holdsLease(migrationId, claim)) {
							// A rollback withdrew the range (and may have dropped the column): stop quietly.
							throw new LeaseLostException("range " + claim.range() + " of operation " + claim.operation()
									+ " was withdrawn while a batch ran (" + ex.getMessage() + ")");
						}
						if (DdlExecutor.isLockFailure(ex) || (target.removes() != null && "40001".equals(ex.getSQLState()))) {
							// The application holds (or, for a removal, wrote) some of these rows: back off with a smaller
							// batch.
							batchSize = Math.max(this.settings.minBatchSize(), batchSize / 2);
							logger.info("Backfill of {}: batch waited too long for a row lock, or met a row written "
									+ "meanwhile; retrying with {} rows", migrationId, batchSize);
							sleep(this.settings.lockTimeout());
							continue;
						}
						if (isTimeout(ex) && batchSize > 1) {
							int split = batchSize / 2;
							logger.info("Backfill of {} operation {}: a batch of {} rows ran over the batch timeout of {} ms; "
									+ "splitting it in two", migrationId, claim.operation(), batchSize,
									this.settings.batchTimeout().toMillis());
							this.listener.batchSplit(migrationId, claim.operation(), batchSize, split);
							batchSize = split;
							continue;
						}
						if (isDataError(ex) && transform == null && target.removes() == null && target.copyInto() == null) {
							String row = badRow(connection, target, claim, cursor, batchSize, replica);
							throw new BackfillException("Backfill of " + migrationId + " operation " + claim.operation()
									+ " failed" + ((row != null) ? " on the row with key " + row : "") + ": "
									+ ex.getMessage() + ". Fix that row (or 'up'), then advance again: the backfill resumes "
									+ "from its checkpoint; or roll the migration back.", ex);
						}
						if (isTransient(ex) && attempts < this.settings.maxRetries()) {
							attempts++;
							Duration delay = this.settings.retryBackoff().multipliedBy(1L << Math.min(20, attempts - 1));
							logger.info("Backfill of {}: batch failed ({}); retry {} of {} in {} ms", migrationId,
									ex.getMessage(), attempts, this.settings.maxRetries(), delay.toMillis());
							this.listener.batchRetry(migrationId, claim.operation(), attempts, delay, ex.getMessage());
							sleep(delay);
							continue;
						}
						throw new BackfillException("Backfill of " + migrationId + " operation " + claim.operation()
								+ " failed" + ((attempts > 0) ? " after " + (attempts + 1) + " attempts" : "") + ": "
								+ (isRowSecurityError(ex) ? rowSecurityStop(target) : ex.getMessage()
										+ ". Advance again to resume from the checkpoint once the cause is fixed, or roll "
										+ "the migration back"), ex);
					}
					catch (LeaseLostException ex) {
						connection.rollback();
						throw ex;
					}
					Duration time = Duration.ofNanos(System.nanoTime() - started);
					rows += batch.updated();
					this.listener.batchCompleted(migrationId, claim.operation(), batch.scanned(), batch.updated(), time);
					boolean slowed = throttle != null && throttle.response() != Throttle.Response.STOP
							&& !BatchLatencySignal.NAME.equals(throttle.signal());
					// A signal of the application's load makes batches aim at half the target time: fewer row locks
					// held for less time, shorter bursts of WAL ahead of the application's commits.
					int next = adapt(batchSize, time, slowed ? this.settings.targetBatchTime().dividedBy(2)
							: this.settings.targetBatchTime());
					throttler.batchDone(batch.scanned(), time, next);
					if (batch.last() == null) {
						return new RangeResult(rows, next);
					}
					cursor = batch.last();
					batchSize = next;
					long pause = this.settings.pause().toNanos();
					if (throttle != null && throttle.response() == Throttle.Response.SLOW) {
						// A duty cycle of at most a seventeenth: the application keeps sixteen seventeenths of the time the
						// backfill would otherwise take from it (eight ninths before: see docs/benchmarks.md).
						pause = Math.max(pause, Math.max(10_000_000L, SLOW_PAUSE_FACTOR * time.toNanos()));
					}
					pause = Math.max(pause, throttler.paceNanos(batch.scanned()));
					if (pause > 0) {
						sleep(Duration.ofNanos(pause));
					}
				}
			}
			finally {
				throttler.unregister(pid);
			}
		}
		catch (SQLException ex) {
			throw new BackfillException("Backfill of " + migrationId + " failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The throttle to respond to in the next batch; while a signal says stop, waits (no transaction open)
	 * until it clears, the backfill is paused, or another worker failed.
	 */
	private Throttle waitWhileStopped(String migrationId, Throttler throttler, AtomicBoolean stop) {
		while (true) {
			stopIfStopped(migrationId);
			stopIfPaused(migrationId, throttler);
			Throttle throttle = throttler.current().orElse(null);
			if (throttle == null || throttle.response() != Throttle.Response.STOP) {
				return throttle;
			}
			if (stop.get()) {
				throw new StoppedException();
			}
			sleep(Duration.ofNanos(Math.max(50_000_000, this.settings.throttle().checkInterval().toNanos())));
		}
	}

	private static int backendPid(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
			rs.next();
			int pid = rs.getInt(1);
			connection.commit();
			return pid;
		}
	}

	/** {@code statement_timeout} ran out. */
	private static boolean isTimeout(SQLException ex) {
		return "57014".equals(ex.getSQLState());
	}

	/** An error of the data: a value 'up' cannot convert, a constraint, an exception raised by a function. */
	private static boolean isDataError(SQLException ex) {
		String state = ex.getSQLState();
		return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("P0")
				|| state.startsWith("2F") || state.startsWith("39") || state.startsWith("38"));
	}

	/**
	 * An error that may not happen again: serialization failure, deadlock, lack of resources, a system error.
	 * A connection terminated by the server is not retried: this instance stops as after a crash, and its
	 * ranges are taken over once their leases expire.
	 */
	private static boolean isTransient(SQLException ex) {
		String state = ex.getSQLState();
		return state != null && (state.startsWith("40") || state.startsWith("53") || state.startsWith("58")
				|| "55P03".equals(state) || "55006".equals(state));
	}

	/**
	 * The key of the row a batch fails on, found by bisecting the batch's keys with the batch's own
	 * {@code UPDATE} in savepoints; {@code null} when no single row fails alone. Rolls everything back.
	 */
	private String badRow(Connection connection, BackfillTarget target, Claim claim, String[] cursor, int batchSize,
			boolean replica) {
		List<ColumnInfo> key = target.key();
		String keys = key.stream().map(BackfillEngine::quoted).collect(Collectors.joining(", "));
		String asText = key.stream().map((column) -> quoted(column) + "::text").collect(Collectors.joining(", "));
		try {
			prepare(connection, target, replica);
			List<String[]> batchKeys = new ArrayList<>();
			try (PreparedStatement statement = connection.prepareStatement("SELECT ARRAY[" + asText + "] FROM "
					+ target.table().quoted() + " WHERE " + range(key, cursor, claim.upper()) + " ORDER BY " + keys
					+ " LIMIT ?")) {
				int next = bind(statement, 1, cursor);
				next = bind(statement, next, claim.upper());
				statement.setInt(next, batchSize);
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						batchKeys.add(strings(rs.getArray(1)));
					}
				}
			}
			if (batchKeys.isEmpty() || !fails(connection, target, cursor, batchKeys.get(batchKeys.size() - 1))) {
				return null;
			}
			int low = 0;
			int high = batchKeys.size() - 1;
			String[] before = cursor;
			while (low < high) {
				int middle = (low + high) / 2;
				if (fails(connection, target, before, batchKeys.get(middle))) {
					high = middle;
				}
				else {
					before = batchKeys.get(middle);
					low = middle + 1;
				}
			}
			String names = key.stream().map(ColumnInfo::name).collect(Collectors.joining(", "));
			return "(" + names + ")=(" + String.join(", ", batchKeys.get(low)) + ")";
		}
		catch (SQLException ex) {
			logger.warn("Could not find the failing row of a batch of {}: {}", target.table(), ex.getMessage());
			return null;
		}
		finally {
			try {
				connection.rollback();
			}
			catch (SQLException ex) {
				logger.warn("Could not roll back the search for a failing row: {}", ex.getMessage());
			}
		}
	}

	/** Whether the batch's {@code UPDATE} over the keys after {@code after} up to {@code upTo} fails. */
	private boolean fails(Connection connection, BackfillTarget target, String[] after, String[] upTo)
			throws SQLException {
		List<ColumnInfo> key = target.key();
		Savepoint savepoint = connection.setSavepoint();
		try (PreparedStatement statement = connection.prepareStatement("UPDATE " + target.table().quoted() + " SET "
				+ target.assignment() + " WHERE " + range(key, after, upTo) + " AND (" + target.mismatch() + ")")) {
			int next = bind(statement, 1, after);
			bind(statement, next, upTo);
			statement.executeUpdate();
			connection.releaseSavepoint(savepoint);
			return false;
		}
		catch (SQLException ex) {
			connection.rollback(savepoint);
			return true;
		}
	}

	/** {@code (key) > (?) AND (key) <= (?)}, each side only for a non-null bound; {@code true} for none. */
	private static String range(List<ColumnInfo> key, String[] after, String[] upTo) {
		String keys = key.stream().map(BackfillEngine::quoted).collect(Collectors.joining(", "));
		List<String> where = new ArrayList<>();
		if (after != null) {
			where.add("(" + keys + ") > (" + typedKey(key) + ")");
		}
		if (upTo != null) {
			where.add("(" + keys + ") <= (" + typedKey(key) + ")");
		}
		return where.isEmpty() ? "true" : String.join(" AND ", where);
	}

	private int adapt(int batchSize, Duration time, Duration targetTime) {
		long target = targetTime.toNanos();
		long actual = Math.max(1, time.toNanos());
		long next;
		if (actual < target / 2) {
			next = (long) batchSize * 2;
		}
		else if (actual > target) {
			next = batchSize * target / actual;
		}
		else {
			next = batchSize;
		}
		return (int) Math.max(this.settings.minBatchSize(), Math.min(this.settings.maxBatchSize(), next));
	}

	private record Batch(int scanned, int updated, String[] last) {
	}

	/**
	 * The settings of a batch's transaction, in one statement: row level security off, lock and statement
	 * timeouts, the bypassed sync triggers, and replica mode so the application's triggers do not fire.
	 */
	private void prepare(Connection connection, BackfillTarget target, boolean replica) throws SQLException {
		// Each bypassed trigger has a setting of its own; triggers created before one pass could serve several
		// operations compare zdm.backfill with their name instead.
		List<Identifier> bypassed = target.bypassTriggers();
		try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('row_security', 'off', true)"
				+ ", set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true)"
				+ ", set_config(?, 'on', true)".repeat(bypassed.size())
				+ (bypassed.isEmpty() ? "" : ", set_config(?, ?, true)")
				// The application's triggers (updated_at, audit) must not fire for zdm's copy of a column: in
				// replica mode only triggers enabled ALWAYS or REPLICA fire, and zdm's own are bypassed above.
				// A removal is a real delete or update of the application's data: its triggers fire, as for any other.
				+ ((replica && target.removes() == null) ? ", set_config('session_replication_role', 'replica', true)"
						: ""))) {
			int parameter = 1;
			statement.setString(parameter++, Long.toString(this.settings.lockTimeout().toMillis()));
			statement.setString(parameter++, Long.toString(this.settings.batchTimeout().toMillis()));
			for (Identifier trigger : bypassed) {
				statement.setString(parameter++, SyncTrigger.bypassSetting(trigger));
			}
			if (!bypassed.isEmpty()) {
				statement.setString(parameter++, SyncTrigger.BACKFILL_SETTING);
				statement.setString(parameter, bypassed.get(0).name());
			}
			statement.execute();
		}
	}

	/**
	 * One batch in three statements: the settings; the keys of the batch, its last key and the {@code UPDATE}
	 * in one statement (only keys are read before the write, so no value can go stale); and the checkpoint,
	 * which also verifies the batch's key range while its pages are in cache: after the {@code UPDATE}, in the
	 * same transaction, no row of the range may still differ from 'up'.
	 */
	private Batch batch(Connection connection, String migrationId, Claim claim, BackfillTarget target, String[] cursor,
			int batchSize, boolean replica) throws SQLException {
		if (target.removes() != null) {
			// A removal decides on one consistent view of the rows (which row of a value is the newest): a row
			// written meanwhile fails the batch (40001), which is retried, rather than being judged on its new
			// values against the others' old ones.
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
			}
		}
		prepare(connection, target, replica);
		List<ColumnInfo> key = target.key();
		String keys = key.stream().map(BackfillEngine::quoted).collect(Collectors.joining(", "));
		String selected = IntStream.range(0, key.size())
			.mapToObj((i) -> quoted(key.get(i)) + " AS _zdm_k" + (i + 1))
			.collect(Collectors.joining(", "));
		String aliases = IntStream.rangeClosed(1, key.size()).mapToObj((i) -> "_zdm_k" + i)
			.collect(Collectors.joining(", "));
		String descending = IntStream.rangeClosed(1, key.size()).mapToObj((i) -> "_zdm_k" + i + " DESC")
			.collect(Collectors.joining(", "));
		String lastText = IntStream.rangeClosed(1, key.size()).mapToObj((i) -> "_zdm_k" + i + "::text")
			.collect(Collectors.joining(", "));
		String lower = (cursor != null) ? "(" + keys + ") > (" + typedKey(key) + ")" : "true";
		int scanned;
		int updated;
		// Rows the UPDATE wrote that still differ from 'up' when read back (RETURNING sees the written row).
		int written;
		String[] last;
		boolean update = target.removes() == null && target.copyInto() == null;
		String keysAndLast = "WITH _zdm_keys AS (SELECT " + selected + " FROM " + target.table().quoted() + " WHERE "
				+ range(key, cursor, claim.upper()) + " ORDER BY " + keys + " LIMIT ?), _zdm_last AS (SELECT " + aliases
				+ " FROM _zdm_keys ORDER BY " + descending + " LIMIT 1)";
		String lastArray = "SELECT (SELECT count(*) FROM _zdm_keys), (SELECT ARRAY[" + lastText + "] FROM _zdm_last)";
		try (PreparedStatement statement = connection.prepareStatement(update ? keysAndLast + ", _zdm_update AS (UPDATE "
				+ target.table().quoted() + " SET " + target.assignment() + " WHERE " + lower + " AND (" + keys
				+ ") <= (SELECT " + aliases + " FROM _zdm_last) AND (" + target.mismatch() + ") RETURNING ("
				+ target.mismatch() + ") AS _zdm_m) " + lastArray + ", (SELECT count(*) FROM _zdm_update), "
				+ "(SELECT count(*) FROM _zdm_update WHERE _zdm_m)" : keysAndLast + " " + lastArray)) {
			int next = bind(statement, 1, cursor);
			next = bind(statement, next, claim.upper());
			statement.setInt(next++, batchSize);
			if (update) {
				bind(statement, next, cursor);
			}
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				scanned = rs.getInt(1);
				last = strings(rs.getArray(2));
				updated = update ? rs.getInt(3) : 0;
				written = update ? rs.getInt(4) : 0;
			}
		}
		if (!update && last != null) {
			// A removal or a copy into another table: its own statement over the batch's key range.
			List<String> where = new ArrayList<>();
			if (cursor != null) {
				where.add("(" + keys + ") > (" + typedKey(key) + ")");
			}
			where.add("(" + keys + ") <= (" + typedKey(key) + ")");
			where.add("(" + target.mismatch() + ")");
			if (target.removes() != null) {
				updated = remove(connection, migrationId, claim, target, String.join(" AND ", where), cursor, last);
			}
			else {
				try (PreparedStatement statement = connection.prepareStatement(copyInto(target, keys, where))) {
					int next = bind(statement, 1, cursor);
					bind(statement, next, last);
					updated = statement.executeUpdate();
				}
			}
		}
		boolean done = scanned < batchSize;
		// The batch's range is verified: an UPDATE checked every row of it, skipping the rows that did not differ
		// (checked again on their latest version when a concurrent write held them) and reading back the ones it
		// wrote; NULLs where the column must not have them (in rows skipped as well) and what a removal or a
		// copy left are counted by a scan of the range, still in cache.
		boolean scan = last != null && (!update || target.notNullViolation() != null);
		String verified = scan ? range(key, cursor, last) : "false";
		String nulls = (target.notNullViolation() != null) ? target.notNullViolation() : "false";
		try (PreparedStatement statement = connection.prepareStatement("UPDATE " + ranges()
				+ " SET cursor_key = coalesce(?, cursor_key), rows_done = rows_done + ?, done = ?, "
				+ "lease_until = clock_timestamp() + make_interval(secs => ?), mismatches = mismatches + ? + _zdm_v.m, "
				+ "null_violations = null_violations + _zdm_v.n FROM (SELECT count(*) FILTER (WHERE ("
				+ (update ? "false" : target.mismatch()) + ")) AS m, count(*) FILTER (WHERE (" + nulls + ")) AS n FROM "
				+ target.table().quoted() + " WHERE " + verified + ") AS _zdm_v "
				+ "WHERE migration_id = ? AND operation_index = ? AND range_id = ? AND lease_owner = ? AND NOT done")) {
			statement.setArray(1, array(connection, done ? null : last));
			statement.setLong(2, updated);
			statement.setBoolean(3, done);
			statement.setDouble(4, this.settings.leaseDuration().toMillis() / 1000.0);
			statement.setLong(5, written);
			int next = 6;
			if (scan) {
				next = bind(statement, next, cursor);
				next = bind(statement, next, last);
			}
			statement.setString(next++, migrationId);
			statement.setInt(next++, claim.operation());
			statement.setInt(next++, claim.range());
			statement.setString(next, claim.owner());
			if (statement.executeUpdate() != 1) {
				throw new LeaseLostException("range " + claim.range() + " of operation " + claim.operation()
						+ " is no longer leased to " + claim.owner());
			}
		}
		return new Batch(scanned, updated, done ? null : last);
	}

	/**
	 * A batch of a transform pass: read, computed in Java, written back, in the caller's transaction. Its
	 * verification is the transform's own ({@link #findTransformMismatches}), after the last batch.
	 */
	private Batch transformBatch(Connection connection, String migrationId, Claim claim, TransformBatch transform,
			String[] cursor, int batchSize, boolean replica) throws SQLException {
		seeEveryRow(connection);
		try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('lock_timeout', ?, true)"
				+ ", set_config('statement_timeout', ?, true)"
				+ (replica ? ", set_config('session_replication_role', 'replica', true)" : ""))) {
			statement.setString(1, Long.toString(this.settings.lockTimeout().toMillis()));
			statement.setString(2, Long.toString(this.settings.batchTimeout().toMillis()));
			statement.execute();
		}
		TransformBatch.Result result = transform.write(connection, cursor, claim.upper(), batchSize);
		boolean done = result.read() < batchSize;
		try (PreparedStatement statement = connection.prepareStatement("UPDATE " + ranges()
				+ " SET cursor_key = coalesce(?, cursor_key), rows_done = rows_done + ?, done = ?, "
				+ "lease_until = clock_timestamp() + make_interval(secs => ?) "
				+ "WHERE migration_id = ? AND operation_index = ? AND range_id = ? AND lease_owner = ? AND NOT done")) {
			statement.setArray(1, array(connection, done ? null : result.last()));
			statement.setLong(2, result.updated());
			statement.setBoolean(3, done);
			statement.setDouble(4, this.settings.leaseDuration().toMillis() / 1000.0);
			statement.setString(5, migrationId);
			statement.setInt(6, claim.operation());
			statement.setInt(7, claim.range());
			statement.setString(8, claim.owner());
			if (statement.executeUpdate() != 1) {
				throw new LeaseLostException("range " + claim.range() + " of operation " + claim.operation()
						+ " is no longer leased to " + claim.owner());
			}
		}
		return new Batch(result.read(), result.updated(), done ? null : result.last());
	}

	/**
	 * Deletes (or clears) the rows of a batch that a removal policy selects, and reports the key of each in the
	 * log and in a {@code rows-removed} event that commits with the batch: the rows are gone for good.
	 */
	private int remove(Connection connection, String migrationId, Claim claim, BackfillTarget target, String where,
			String[] cursor, String[] upper) throws SQLException {
		String keys = target.key().stream().map(BackfillEngine::quoted).collect(Collectors.joining(", "));
		String sql = ((target.assignment() != null)
				? "UPDATE " + target.table().quoted() + " SET " + target.assignment()
				: "DELETE FROM " + target.table().quoted())
				+ " WHERE " + where + " RETURNING ROW(" + keys + ")::text";
		List<String> removed = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			int next = bind(statement, 1, cursor);
			bind(statement, next, upper);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					removed.add(rs.getString(1));
				}
			}
		}
		if (!removed.isEmpty()) {
			String keyNames = target.key().stream().map(ColumnInfo::name).collect(Collectors.joining(", "));
			String report = ((target.assignment() != null) ? "changed " : "deleted ") + removed.size()
					+ ((removed.size() == 1) ? " row" : " rows") + " of " + target.table() + " (" + target.removes()
					+ "), keys (" + keyNames + ") = " + String.join(", ", removed);
			logger.warn("Backfill of {} operation {}: {}", migrationId, claim.operation(), report);
			this.state.event(connection, migrationId, "rows-removed", null, null, this.owner,
					"operation " + claim.operation() + ": " + report);
		}
		return removed.size();
	}

	/**
	 * The batch of a copy into another table (an archive): the rows' keys and column, read under a share lock
	 * so that the value is the row's latest, upserted by key.
	 */
	private static String copyInto(BackfillTarget target, String keys, List<String> range) {
		BackfillTarget.CopyInto copy = target.copyInto();
		String columns = keys + ", " + copy.column().quoted();
		return "WITH _zdm_batch AS (SELECT " + columns + " FROM " + target.table().quoted() + " WHERE "
				+ String.join(" AND ", range) + " FOR SHARE) INSERT INTO " + copy.table().quoted() + " (" + columns
				+ ") SELECT " + columns + " FROM _zdm_batch ON CONFLICT (" + keys + ") DO UPDATE SET "
				+ copy.column().quoted() + " = EXCLUDED." + copy.column().quoted();
	}

	/**
	 * What verification found.
	 *
	 * @param mismatches rows whose new value differs from 'up' of the old
	 * @param nullViolations rows whose new value is {@code NULL} although the column must not be
	 * @param removable rows a removal's policy still removes (written while it ran)
	 */
	public record Verification(long mismatches, long nullViolations, long removable) {
	}

	/**
	 * Verifies a finished backfill. Each batch verified its own key range right after writing it, in its
	 * transaction. Rows written since then went through the target's sync triggers, which compute the new value
	 * on every insert and update (a row whose key moves behind a cursor included) and fire in replica mode too
	 * ({@code ENABLE ALWAYS}); so when those triggers are unchanged since the ranges were planned (same
	 * triggers, never disabled, same functions: {@link CatalogReader#triggerStamp}), the ranges' counts are the
	 * whole table's. Otherwise (a trigger was disabled or replaced meanwhile, or a column has no trigger), and
	 * with {@link BackfillSettings#finalScan()}, the table is scanned again.
	 */
	public Verification verify(String migrationId, Map<Integer, BackfillTarget> targets) {
		long mismatches = 0;
		long nulls = 0;
		long removable = 0;
		try (Connection connection = this.dataSource.getConnection()) {
			for (Map.Entry<Integer, BackfillTarget> entry : targets.entrySet()) {
				BackfillTarget target = entry.getValue();
				if (target.removes() != null) {
					// No trigger keeps the application from writing such rows meanwhile: count them all.
					removable += countMismatches(target);
					continue;
				}
				long[] counted = (this.settings.finalScan()) ? null : rangeCounts(connection, migrationId, entry.getKey(),
						target);
				if (counted == null) {
					mismatches += countMismatches(target);
					if (target.notNullViolation() != null) {
						nulls += count(target, target.notNullViolation());
					}
				}
				else {
					mismatches += counted[0];
					nulls += counted[1];
				}
			}
			return new Verification(mismatches, nulls, removable);
		}
		catch (SQLException ex) {
			throw new BackfillException("Could not verify the backfill of " + migrationId + ": " + ex.getMessage(), ex);
		}
	}

	/** The counts the batches of an operation's ranges verified, or {@code null} when they do not prove it. */
	private long[] rangeCounts(Connection connection, String migrationId, int operation, BackfillTarget target)
			throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT coalesce(sum(mismatches), 0), "
				+ "coalesce(sum(null_violations), 0), count(*) FILTER (WHERE NOT done), count(DISTINCT sync_stamp), "
				+ "min(sync_stamp), count(*) FILTER (WHERE sync_stamp IS NULL) FROM " + ranges()
				+ " WHERE migration_id = ? AND operation_index = ?")) {
			statement.setString(1, migrationId);
			statement.setInt(2, operation);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				if (rs.getLong(3) > 0) {
					throw new BackfillException("Backfill of " + migrationId + " operation " + operation + " has "
							+ rs.getLong(3) + " ranges not done: advance again to finish them", null);
				}
				String planned = rs.getString(5);
				if (rs.getLong(4) != 1 || rs.getLong(6) > 0 || !planned.equals(syncStamp(connection, target))) {
					logger.info("Backfill of {} operation {}: its sync triggers changed since the backfill was planned "
							+ "(or a column has none); verifying by scanning {} again", migrationId, operation,
							target.table());
					return null;
				}
				return new long[] { rs.getLong(1), rs.getLong(2) };
			}
		}
	}

	/**
	 * Counts the rows of a table that still differ from what the backfill would write, in keyset batches
	 * so that no single statement holds a snapshot for the whole table.
	 */
	public long countMismatches(BackfillTarget target) {
		return count(target, target.mismatch());
	}

	/** Counts the rows of a table for which {@code predicate} holds, in keyset batches. */
	public long count(BackfillTarget target, String predicate) {
		return find(target, predicate, 0).count();
	}

	/**
	 * Rows of a table for which a predicate holds: how many, and the keys of the first few.
	 *
	 * @param count how many rows
	 * @param examples the keys of the first rows in key order, each as a row literal: {@code (5)},
	 * {@code (3,abc)}
	 */
	public record Matches(long count, List<String> examples) {
	}

	/**
	 * Finds the rows of a table for which {@code predicate} holds, in keyset batches like
	 * {@link #countMismatches}, keeping the keys of the first {@code examples} of them.
	 */
	public Matches find(BackfillTarget target, String predicate, int examples) {
		return find(null, target, predicate, examples);
	}

	/**
	 * Like {@link #find(BackfillTarget, String, int)}, for migration {@code migrationId}: between batches the
	 * scan pauses as a backfill does while a throttle signal slows or stops it, so that a check of a large
	 * table while the application is busy (before contract) leaves it the same room.
	 */
	public Matches find(String migrationId, BackfillTarget target, String predicate, int examples) {
		List<ColumnInfo> key = target.key();
		String keys = key.stream().map(BackfillEngine::quoted).collect(Collectors.joining(", "));
		String selectKeys = IntStream.range(0, key.size())
			.mapToObj((i) -> quoted(key.get(i)) + " AS _zdm_k" + (i + 1))
			.collect(Collectors.joining(", "));
		String lastKey = IntStream.rangeClosed(1, key.size()).mapToObj((i) -> "_zdm_k" + i + "::text")
			.collect(Collectors.joining(", "));
		String descending = IntStream.rangeClosed(1, key.size()).mapToObj((i) -> "_zdm_k" + i + " DESC")
			.collect(Collectors.joining(", "));
		String ascending = IntStream.rangeClosed(1, key.size()).mapToObj((i) -> "_zdm_k" + i)
			.collect(Collectors.joining(", "));
		String first = "WITH _zdm_batch AS (SELECT " + selectKeys + ", (" + predicate + ") AS _zdm_bad FROM "
				+ target.table().quoted() + " %s ORDER BY " + keys + " LIMIT " + VERIFY_BATCH + ") "
				+ "SELECT (SELECT count(*) FROM _zdm_batch WHERE _zdm_bad), (SELECT ARRAY[" + lastKey
				+ "] FROM _zdm_batch ORDER BY " + descending + " LIMIT 1), (SELECT array_agg(_zdm_key) FROM (SELECT ROW("
				+ ascending + ")::text AS _zdm_key FROM _zdm_batch WHERE _zdm_bad ORDER BY " + ascending
				+ " LIMIT %d) AS _zdm_examples)";
		long mismatches = 0;
		List<String> found = new ArrayList<>();
		String[] cursor = null;
		try (Connection connection = this.dataSource.getConnection();
				PoliteScan polite = new PoliteScan(migrationId, target.table(), connection)) {
			// A transaction per batch: row level security is turned off in each, and no snapshot is held long.
			connection.setAutoCommit(false);
			do {
				polite.between();
				seeEveryRow(connection);
				String sql = String.format(first,
						(cursor != null) ? "WHERE (" + keys + ") > (" + typedKey(key) + ")" : "",
						examples - found.size());
				try (PreparedStatement statement = connection.prepareStatement(sql)) {
					bind(statement, 1, cursor);
					try (ResultSet rs = statement.executeQuery()) {
						rs.next();
						mismatches += rs.getLong(1);
						cursor = strings(rs.getArray(2));
						String[] keysFound = strings(rs.getArray(3));
						if (keysFound != null) {
							found.addAll(List.of(keysFound));
						}
					}
				}
				connection.commit();
			}
			while (cursor != null);
			return new Matches(mismatches, List.copyOf(found));
		}
		catch (SQLException ex) {
			throw new BackfillException("Could not verify " + target.table() + ": "
					+ (isRowSecurityError(ex) ? rowSecurityStop(target) : ex.getMessage()), ex);
		}
	}

	/**
	 * Rows of a transform pass whose written columns differ from what its transform computes from them now:
	 * how many, and the keys of the first {@code examples}. In keyset batches, each read and compared in one
	 * {@code REPEATABLE READ} transaction, so that concurrent writes between the two statements do not count.
	 */
	public Matches findTransformMismatches(TransformTarget.Pass pass, int examples) {
		return findTransformMismatches(null, pass, examples);
	}

	/**
	 * Like {@link #findTransformMismatches(TransformTarget.Pass, int)}, for migration {@code migrationId},
	 * pausing between batches while a throttle signal slows or stops backfills (as {@link #find(String,
	 * BackfillTarget, String, int)}).
	 */
	public Matches findTransformMismatches(String migrationId, TransformTarget.Pass pass, int examples) {
		TransformBatch batch = new TransformBatch(pass);
		long mismatches = 0;
		List<String> found = new ArrayList<>();
		String[] cursor = null;
		try (Connection connection = this.dataSource.getConnection();
				PoliteScan polite = new PoliteScan(migrationId, pass.target().target().table(), connection)) {
			connection.setAutoCommit(false);
			int isolation = connection.getTransactionIsolation();
			connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
			try {
				while (true) {
					polite.between();
					seeEveryRow(connection);
					TransformBatch.Result result = batch.verify(connection, cursor, VERIFY_BATCH, found, examples);
					connection.commit();
					mismatches += result.updated();
					if (result.read() < VERIFY_BATCH) {
						return new Matches(mismatches, List.copyOf(found));
					}
					cursor = result.last();
				}
			}
			finally {
				connection.rollback();
				connection.setTransactionIsolation(isolation);
			}
		}
		catch (SQLException ex) {
			throw new BackfillException("Could not verify " + pass.target().target().table() + ": "
					+ (isRowSecurityError(ex) ? rowSecurityStop(pass.target().target()) : ex.getMessage()), ex);
		}
	}

	/**
	 * Paces a read-only scan of the application's table in batches (a check before contract) by the throttle
	 * signals of its migration: after a batch that ran while a signal slows or stops backfills, waits as a slowed
	 * backfill does (at least 10 ms, {@link #SLOW_PAUSE_FACTOR} times the batch's time). A scan adds no WAL and
	 * keeps no row locked, so a signal that stops backfills only slows it. Without a migration it does nothing.
	 */
	private final class PoliteScan implements AutoCloseable {

		private final Throttler throttler;

		private final int pid;

		private long started;

		PoliteScan(String migrationId, QualifiedName table, Connection connection) throws SQLException {
			if (migrationId == null) {
				this.throttler = null;
				this.pid = 0;
				return;
			}
			this.throttler = new Throttler(BackfillEngine.this.dataSource, BackfillEngine.this.state,
					BackfillEngine.this.listener, migrationId, List.of(table), BackfillEngine.this.owner,
					BackfillEngine.this.settings, BackfillEngine.this.sessions);
			boolean autoCommit = connection.getAutoCommit();
			connection.setAutoCommit(false);
			this.pid = backendPid(connection);
			connection.setAutoCommit(autoCommit);
			this.throttler.register(this.pid);
		}

		/** Called before each batch: waits if the batch before it ran while a signal fired. */
		void between() {
			if (this.throttler == null) {
				return;
			}
			long now = System.nanoTime();
			if (this.started != 0) {
				long time = now - this.started;
				this.throttler.batchDone(0, Duration.ofNanos(time), VERIFY_BATCH);
				Throttle throttle = this.throttler.current().orElse(null);
				if (throttle != null && throttle.response() != Throttle.Response.SHRINK) {
					sleep(Duration.ofNanos(Math.max(10_000_000L, SLOW_PAUSE_FACTOR * time)));
				}
			}
			this.started = System.nanoTime();
		}

		@Override
		public void close() {
			if (this.throttler != null) {
				this.throttler.unregister(this.pid);
				this.throttler.finish();
			}
		}

	}

	/**
	 * Turns row level security off for the rest of the caller's transaction. zdm must see every row it
	 * copies or counts: with it off, a statement on a table whose policies apply to zdm's role fails
	 * instead of silently skipping the rows the policies hide.
	 */
	private static void seeEveryRow(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET LOCAL row_security = off");
		}
	}

	/** Whether PostgreSQL refused a statement because row level security would have filtered it. */
	private static boolean isRowSecurityError(SQLException ex) {
		return "42501".equals(ex.getSQLState()) && ex.getMessage() != null
				&& ex.getMessage().contains("row-level security");
	}

	private static String rowSecurityStop(BackfillTarget target) {
		return "row level security applies to zdm's role on " + target.table() + " (FORCE ROW LEVEL SECURITY, or row "
				+ "level security without being the table's owner), so zdm could not see every row and stopped rather "
				+ "than leave rows behind. Connect zdm as a role with BYPASSRLS, or run ALTER TABLE " + target.table()
				+ " NO FORCE ROW LEVEL SECURITY until the migration completes; then advance again (the backfill resumes "
				+ "where it stopped), or roll the migration back.";
	}

	/**
	 * Marks every range of a migration to be done again, in the caller's transaction. The last range of each
	 * operation is opened at its end: the rerun also visits the rows inserted since the ranges were planned.
	 */
	public void reset(Connection connection, String migrationId) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("UPDATE " + ranges()
				+ " AS _zdm_r SET cursor_key = lower_key, rows_done = 0, done = false, lease_owner = NULL, lease_until = NULL,"
				+ " mismatches = 0, null_violations = 0, upper_key = CASE WHEN range_id = (SELECT max(_zdm_l.range_id) FROM "
				+ ranges() + " AS _zdm_l WHERE _zdm_l.migration_id = _zdm_r.migration_id AND _zdm_l.operation_index = "
				+ "_zdm_r.operation_index) THEN NULL ELSE upper_key END WHERE migration_id = ?")) {
			statement.setString(1, migrationId);
			statement.executeUpdate();
		}
	}

	/** Deletes the ranges and the control row of a migration, in the caller's transaction. */
	public void delete(Connection connection, String migrationId) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("DELETE FROM " + ranges() + " WHERE migration_id = ?")) {
			statement.setString(1, migrationId);
			statement.executeUpdate();
		}
		this.controls.delete(connection, migrationId);
	}

	/** {@code CAST(? AS type1), ...}: a key bound as text, one parameter per column. */
	private static String typedKey(List<ColumnInfo> key) {
		return key.stream().map((column) -> "CAST(? AS " + column.type() + ")").collect(Collectors.joining(", "));
	}

	private static int bind(PreparedStatement statement, int index, String[] key) throws SQLException {
		int next = index;
		if (key != null) {
			for (String value : key) {
				statement.setString(next++, value);
			}
		}
		return next;
	}

	private static String quoted(ColumnInfo column) {
		// A name from the catalog: any name PostgreSQL allows ("Row Id"), not only one a plan may declare.
		return Identifier.quote(column.name());
	}

	private static Array array(Connection connection, String[] values) throws SQLException {
		return (values != null) ? connection.createArrayOf("text", values) : null;
	}

	private static String[] strings(Array array) throws SQLException {
		if (array == null) {
			return null;
		}
		Object[] values = (Object[]) array.getArray();
		String[] strings = new String[values.length];
		for (int i = 0; i < values.length; i++) {
			strings[i] = (String) values[i];
		}
		return strings;
	}

	/** Waits {@code duration}, or less when the engine is stopped meanwhile. */
	private void sleep(Duration duration) {
		try {
			long deadline = System.nanoTime() + duration.toNanos();
			synchronized (this.stopSignal) {
				long left;
				while (!this.stopped && (left = deadline - System.nanoTime()) > 0) {
					this.stopSignal.wait(Math.max(1, left / 1_000_000), 0);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new BackfillException("Backfill interrupted", ex);
		}
	}

}

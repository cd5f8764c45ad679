package dev.zdm.core.backfill;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.ddl.DdlExecutor;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.sql.Identifier;
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

	private static final int VERIFY_BATCH = 10_000;

	private final DataSource dataSource;

	private final StateStore state;

	private final BackfillSettings settings;

	private final MigrationListener listener;

	private final String owner;

	public BackfillEngine(DataSource dataSource, StateStore state, BackfillSettings settings, MigrationListener listener,
			String owner) {
		this.dataSource = dataSource;
		this.state = state;
		this.settings = settings;
		this.listener = listener;
		this.owner = owner;
	}

	private String ranges() {
		return this.state.table("zdm_backfill_range");
	}

	/**
	 * Splits the table's key space into ranges for operation {@code operation}, in the caller's transaction,
	 * unless that was already done.
	 */
	public void plan(Connection connection, String migrationId, int operation, BackfillTarget target)
			throws SQLException {
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
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + ranges()
				+ " (migration_id, operation_index, range_id, lower_key, upper_key, cursor_key) VALUES (?, ?, ?, ?, ?, ?)")) {
			for (int i = 0; i < bounds.size(); i++) {
				String[] lower = (i == 0) ? null : bounds.get(i - 1);
				String[] upper = bounds.get(i);
				insert.setString(1, migrationId);
				insert.setInt(2, operation);
				insert.setInt(3, i + 1);
				insert.setArray(4, array(connection, lower));
				insert.setArray(5, array(connection, upper));
				insert.setArray(6, array(connection, lower));
				insert.addBatch();
			}
			insert.executeBatch();
		}
	}

	/** Inclusive upper bounds of the ranges; the last is {@code null} (unbounded). */
	private List<String[]> bounds(Connection connection, BackfillTarget target) throws SQLException {
		List<String[]> bounds = new ArrayList<>();
		List<ColumnInfo> key = target.key();
		if (key.size() == 1 && List.of("smallint", "integer", "bigint").contains(key.get(0).type())
				&& this.settings.maxRanges() > 1) {
			String column = quoted(key.get(0));
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
					long count = Math.max(1, Math.min(this.settings.maxRanges(), (width + KEYS_PER_RANGE - 1) / KEYS_PER_RANGE));
					long step = (width + count - 1) / count;
					for (long i = 1; i < count; i++) {
						bounds.add(new String[] { Long.toString(min + i * step - 1) });
					}
				}
			}
			catch (SQLException ex) {
				throw isRowSecurityError(ex) ? new SQLException(rowSecurityStop(target), ex.getSQLState(), ex) : ex;
			}
		}
		bounds.add(null);
		return bounds;
	}

	/** Rows and ranges done so far for a migration. */
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
			return new BackfillProgress(ranges, done, rows, Math.max(total, rows));
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read backfill progress: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Works on the migration's ranges until every one is done, by this instance or others; returns the rows
	 * this call wrote.
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
		long rows = 0;
		int batchSize = this.settings.initialBatchSize();
		while (true) {
			Claim claim = claim(migrationId);
			if (claim != null) {
				BackfillTarget target = targets.get(claim.operation());
				if (target == null) {
					throw new IllegalStateException("Migration " + migrationId + " has a backfill range for operation "
							+ claim.operation() + ", which has nothing to backfill");
				}
				try {
					TransformTarget.Pass transform = transforms.get(claim.operation());
					RangeResult result = work(migrationId, claim, target,
							(transform != null) ? new TransformBatch(transform) : null, batchSize);
					rows += result.rows();
					batchSize = result.batchSize();
				}
				catch (LeaseLostException ex) {
					logger.info("Backfill of {}: {}", migrationId, ex.getMessage());
				}
				continue;
			}
			if (remaining(migrationId) == 0) {
				return rows;
			}
			// Other instances hold the remaining ranges: wait for them to finish or for their leases to expire.
			sleep(Duration.ofMillis(Math.min(1000, Math.max(50, this.settings.leaseDuration().toMillis() / 4))));
		}
	}

	private record Claim(int operation, int range, String[] upper, String[] cursor) {
	}

	private record RangeResult(long rows, int batchSize) {
	}

	private Claim claim(String migrationId) {
		String sql = "UPDATE " + ranges() + " SET lease_owner = ?, lease_until = clock_timestamp() + make_interval(secs => ?) "
				+ "WHERE (migration_id, operation_index, range_id) IN (SELECT migration_id, operation_index, range_id FROM "
				+ ranges() + " WHERE migration_id = ? AND NOT done AND (lease_until IS NULL OR lease_until < clock_timestamp()"
				+ " OR lease_owner = ?) ORDER BY operation_index, range_id LIMIT 1 FOR UPDATE SKIP LOCKED) "
				+ "RETURNING operation_index, range_id, upper_key, cursor_key";
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			connection.setAutoCommit(true);
			statement.setString(1, this.owner);
			statement.setDouble(2, this.settings.leaseDuration().toMillis() / 1000.0);
			statement.setString(3, migrationId);
			statement.setString(4, this.owner);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				return new Claim(rs.getInt(1), rs.getInt(2), strings(rs.getArray(3)), strings(rs.getArray(4)));
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
			statement.setString(4, this.owner);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next();
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
			int initialBatchSize) {
		String[] cursor = claim.cursor();
		int batchSize = initialBatchSize;
		long rows = 0;
		logger.info("Backfill of {} operation {}: working on range {} from {}", migrationId, claim.operation(),
				claim.range(), (cursor != null) ? String.join(",", cursor) : "the start");
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			// Validation refused the plan if the table has triggers that would fire and this role cannot stop them.
			boolean replica = new CatalogReader(connection).canSetSessionReplicationRole();
			// Each batch starts its own transaction (a removal's sets its isolation first).
			connection.commit();
			while (true) {
				long started = System.nanoTime();
				Batch batch;
				try {
					batch = (transform != null)
							? transformBatch(connection, migrationId, claim, transform, cursor, batchSize, replica)
							: batch(connection, migrationId, claim, target, cursor, batchSize, replica);
					connection.commit();
				}
				catch (SQLException ex) {
					connection.rollback();
					if (!holdsLease(migrationId, claim)) {
						// A rollback withdrew the range (and may have dropped the column): stop quietly.
						throw new LeaseLostException("range " + claim.range() + " of operation " + claim.operation()
								+ " was withdrawn while a batch ran (" + ex.getMessage() + ")");
					}
					if (!DdlExecutor.isLockFailure(ex) && !"40001".equals(ex.getSQLState())) {
						throw new BackfillException("Backfill of " + migrationId + " operation " + claim.operation()
								+ " failed: " + (isRowSecurityError(ex) ? rowSecurityStop(target) : ex.getMessage()), ex);
					}
					// The application holds (or, for a removal, wrote) some of these rows: back off with a smaller batch.
					batchSize = Math.max(this.settings.minBatchSize(), batchSize / 2);
					logger.info("Backfill of {}: batch waited too long for a row lock, or met a row written meanwhile; "
							+ "retrying with {} rows", migrationId, batchSize);
					sleep(this.settings.lockTimeout());
					continue;
				}
				catch (LeaseLostException ex) {
					connection.rollback();
					throw ex;
				}
				Duration time = Duration.ofNanos(System.nanoTime() - started);
				rows += batch.updated();
				this.listener.batchCompleted(migrationId, claim.operation(), batch.scanned(), batch.updated(), time);
				if (batch.last() == null) {
					return new RangeResult(rows, batchSize);
				}
				cursor = batch.last();
				batchSize = adapt(batchSize, time);
				if (!this.settings.pause().isZero()) {
					sleep(this.settings.pause());
				}
			}
		}
		catch (SQLException ex) {
			throw new BackfillException("Backfill of " + migrationId + " failed: " + ex.getMessage(), ex);
		}
	}

	private int adapt(int batchSize, Duration time) {
		long target = this.settings.targetBatchTime().toNanos();
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
		seeEveryRow(connection);
		// Each bypassed trigger has a setting of its own; triggers created before one pass could serve several
		// operations compare zdm.backfill with their name instead.
		List<Identifier> bypassed = target.bypassTriggers();
		try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('lock_timeout', ?, true)"
				+ ", set_config(?, 'on', true)".repeat(bypassed.size())
				+ (bypassed.isEmpty() ? "" : ", set_config(?, ?, true)"))) {
			int parameter = 1;
			statement.setString(parameter++, Long.toString(this.settings.lockTimeout().toMillis()));
			for (Identifier trigger : bypassed) {
				statement.setString(parameter++, SyncTrigger.bypassSetting(trigger));
			}
			if (!bypassed.isEmpty()) {
				statement.setString(parameter++, SyncTrigger.BACKFILL_SETTING);
				statement.setString(parameter, bypassed.get(0).name());
			}
			statement.execute();
		}
		// A removal is a real delete or update of the application's data: its triggers fire, as for any other.
		if (replica && target.removes() == null) {
			// The application's triggers (updated_at, audit) must not fire for zdm's copy of a column: in
			// replica mode only triggers enabled ALWAYS or REPLICA fire, and zdm's own are bypassed above.
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT set_config('session_replication_role', 'replica', true)")) {
				statement.execute();
			}
		}
		List<ColumnInfo> key = target.key();
		String keys = key.stream().map(BackfillEngine::quoted).collect(Collectors.joining(", "));
		String lastKey = key.stream().map((column) -> quoted(column) + "::text").collect(Collectors.joining(", "));
		List<String> where = new ArrayList<>();
		if (cursor != null) {
			where.add("(" + keys + ") > (" + typedKey(key) + ")");
		}
		if (claim.upper() != null) {
			where.add("(" + keys + ") <= (" + typedKey(key) + ")");
		}
		// The batch's last key, read from the index alone: only keys are read before the write, so no
		// value can go stale between the two statements.
		String[] last;
		try (PreparedStatement statement = connection.prepareStatement("SELECT ARRAY[" + lastKey + "] FROM "
				+ target.table().quoted() + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
				+ " ORDER BY " + keys + " OFFSET ? LIMIT 1")) {
			int next = bind(statement, 1, cursor);
			next = bind(statement, next, claim.upper());
			statement.setInt(next, batchSize - 1);
			try (ResultSet rs = statement.executeQuery()) {
				last = rs.next() ? strings(rs.getArray(1)) : null;
			}
		}
		// One UPDATE over the key range, computing each new value from the row as it is when it is locked.
		List<String> range = new ArrayList<>();
		if (cursor != null) {
			range.add("(" + keys + ") > (" + typedKey(key) + ")");
		}
		String[] upper = (last != null) ? last : claim.upper();
		if (upper != null) {
			range.add("(" + keys + ") <= (" + typedKey(key) + ")");
		}
		range.add("(" + target.mismatch() + ")");
		int updated;
		if (target.removes() != null) {
			updated = remove(connection, migrationId, claim, target, String.join(" AND ", range), cursor, upper);
		}
		else {
			String write = (target.copyInto() == null)
					? "UPDATE " + target.table().quoted() + " SET " + target.assignment() + " WHERE "
							+ String.join(" AND ", range)
					: copyInto(target, keys, range);
			try (PreparedStatement statement = connection.prepareStatement(write)) {
				int next = bind(statement, 1, cursor);
				bind(statement, next, upper);
				updated = statement.executeUpdate();
			}
		}
		int scanned = (last != null) ? batchSize : updated;
		boolean done = last == null;
		advance(connection, migrationId, claim, last, updated, done);
		return new Batch(scanned, updated, done ? null : last);
	}

	/** A batch of a transform pass: read, computed in Java, written back, in the caller's transaction. */
	private Batch transformBatch(Connection connection, String migrationId, Claim claim, TransformBatch transform,
			String[] cursor, int batchSize, boolean replica) throws SQLException {
		seeEveryRow(connection);
		try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('lock_timeout', ?, true)"
				+ (replica ? ", set_config('session_replication_role', 'replica', true)" : ""))) {
			statement.setString(1, Long.toString(this.settings.lockTimeout().toMillis()));
			statement.execute();
		}
		TransformBatch.Result result = transform.write(connection, cursor, claim.upper(), batchSize);
		boolean done = result.read() < batchSize;
		advance(connection, migrationId, claim, result.last(), result.updated(), done);
		return new Batch(result.read(), result.updated(), done ? null : result.last());
	}

	/** Moves a range's cursor past a batch and renews its lease, in the batch's transaction. */
	private void advance(Connection connection, String migrationId, Claim claim, String[] last, int updated,
			boolean done) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("UPDATE " + ranges()
				+ " SET cursor_key = coalesce(?, cursor_key), rows_done = rows_done + ?, done = ?, "
				+ "lease_until = clock_timestamp() + make_interval(secs => ?) "
				+ "WHERE migration_id = ? AND operation_index = ? AND range_id = ? AND lease_owner = ? AND NOT done")) {
			statement.setArray(1, array(connection, last));
			statement.setLong(2, updated);
			statement.setBoolean(3, done);
			statement.setDouble(4, this.settings.leaseDuration().toMillis() / 1000.0);
			statement.setString(5, migrationId);
			statement.setInt(6, claim.operation());
			statement.setInt(7, claim.range());
			statement.setString(8, this.owner);
			if (statement.executeUpdate() != 1) {
				throw new LeaseLostException("range " + claim.range() + " of operation " + claim.operation()
						+ " is no longer leased to " + this.owner);
			}
		}
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
		try (Connection connection = this.dataSource.getConnection()) {
			// A transaction per batch: row level security is turned off in each, and no snapshot is held long.
			connection.setAutoCommit(false);
			do {
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
		TransformBatch batch = new TransformBatch(pass);
		long mismatches = 0;
		List<String> found = new ArrayList<>();
		String[] cursor = null;
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			int isolation = connection.getTransactionIsolation();
			connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
			try {
				while (true) {
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

	/** Marks every range of a migration to be done again, in the caller's transaction. */
	public void reset(Connection connection, String migrationId) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("UPDATE " + ranges()
				+ " SET cursor_key = lower_key, rows_done = 0, done = false, lease_owner = NULL, lease_until = NULL"
				+ " WHERE migration_id = ?")) {
			statement.setString(1, migrationId);
			statement.executeUpdate();
		}
	}

	/** Deletes the ranges of a migration, in the caller's transaction. */
	public void delete(Connection connection, String migrationId) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("DELETE FROM " + ranges() + " WHERE migration_id = ?")) {
			statement.setString(1, migrationId);
			statement.executeUpdate();
		}
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

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new BackfillException("Backfill interrupted", ex);
		}
	}

}

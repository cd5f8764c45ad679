package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.zdm.core.backfill.RowSync;
import dev.zdm.core.backfill.TransformTarget;
import dev.zdm.core.operation.Sync;
import dev.zdm.core.transform.RowTransform;

/**
 * Application-side sync of one migration ({@link Sync.Application}): after the application wrote some rows
 * of the table whose columns a Java {@link RowTransform} replaces, computes the other shape of those rows
 * and writes it, in the application's transaction, so that old and new stay in step without a trigger.
 * Obtained from {@link Orchestrator#applicationSync(String)}; thread-safe, one per migration.
 * <p>
 * The writer says which shape it wrote ({@link Shape}): the other one is computed from it, {@code up} from
 * the old columns, {@code down} from the new. Whether anything is to be done depends on the migration's
 * phase: nothing before expand (the new columns do not exist yet), after contract, after rollback; a writer
 * of the old shape is synced until contract, one of the new shape until switch is undone or contract starts.
 * The phase comes from a cache, refreshed when this instance moves the migration and otherwise at most every
 * {@link #refreshInterval()}: a write never waits for a query of zdm's state, except the one write per
 * interval that refreshes it.
 * <p>
 * Per call, whatever the number of rows, one statement locks the rows ({@code SELECT ... FOR UPDATE} by key)
 * and one writes back those whose values differ; the computation is that of the backfill and its
 * verification, so they cannot disagree. A single-row write whose values the caller gives takes one
 * statement ({@link #sync(Connection, Shape, Object, Map)}).
 */
public final class ApplicationSync {

	/** How often the cached phase is read again when this instance did not move the migration itself. */
	public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(5);

	/** The shape of the rows that the application's code writes. */
	public enum Shape {

		/** The code writes the columns the migration replaces (its {@code from}): the new ones are computed. */
		OLD,

		/** The code writes the new columns (its {@code to}): the old ones are computed, for old code and rollback. */
		NEW

	}

	/** The passes of the plan computed in Java, by operation index; resolved once, when first needed. */
	@FunctionalInterface
	interface Passes {

		Map<Integer, TransformTarget.Pass> resolve();

	}

	/** SQLSTATE of a transform that threw or left a column out (as in the backfill). */
	private static final String TRANSFORM_FAILED = "22000";

	private final String migrationId;

	private final Supplier<Optional<Phase>> phaseReader;

	private final Passes passes;

	private final Duration refreshInterval;

	private final Clock clock;

	private volatile CachedPhase cached;

	private volatile List<Operation> resolved;

	/** One operation computed in Java, with its syncs in both directions (their statements built once). */
	private record Operation(int index, TransformTarget.Pass pass, RowSync up, RowSync down) {

		RowSync sync(Shape written) {
			return (written == Shape.NEW) ? this.down : this.up;
		}

	}

	private final AtomicLong syncs = new AtomicLong();

	private record CachedPhase(Phase phase, Instant readAt) {
	}

	private final MigrationListener listener;

	ApplicationSync(String migrationId, Supplier<Optional<Phase>> phaseReader, Passes passes, Duration refreshInterval,
			Clock clock) {
		this(migrationId, phaseReader, passes, refreshInterval, clock, MigrationListener.NONE);
	}

	ApplicationSync(String migrationId, Supplier<Optional<Phase>> phaseReader, Passes passes, Duration refreshInterval,
			Clock clock, MigrationListener listener) {
		this.listener = listener;
		this.migrationId = migrationId;
		this.phaseReader = phaseReader;
		this.passes = passes;
		this.refreshInterval = refreshInterval;
		this.clock = clock;
	}

	/** The migration this sync serves. */
	public String migrationId() {
		return this.migrationId;
	}

	/** How long a phase read from zdm's state is used before it is read again. */
	public Duration refreshInterval() {
		return this.refreshInterval;
	}

	/**
	 * The migration's phase as this instance last read it ({@link Phase#PENDING} when it was not started),
	 * read again when older than {@link #refreshInterval()}.
	 */
	public Phase phase() {
		CachedPhase current = this.cached;
		if (stale(current)) {
			current = refresh(false);
		}
		return current.phase();
	}

	/** Reads the phase again now (a query of zdm's state): the heartbeat may call it. */
	public Phase refreshPhase() {
		return refresh(true).phase();
	}

	private boolean stale(CachedPhase current) {
		return current == null || !current.readAt().plus(this.refreshInterval).isAfter(this.clock.instant());
	}

	private synchronized CachedPhase refresh(boolean force) {
		CachedPhase current = this.cached;
		if (!force && !stale(current)) {
			// Another writer refreshed it while this one waited.
			return current;
		}
		CachedPhase read = new CachedPhase(this.phaseReader.get().orElse(Phase.PENDING), this.clock.instant());
		this.cached = read;
		return read;
	}

	/** This instance moved the migration: no need to wait for the next refresh. */
	void phaseChanged(Phase to) {
		this.cached = new CachedPhase(to, this.clock.instant());
	}

	/** Whether, in the migration's current (cached) phase, writes of {@code written} must be synced. */
	public boolean active(Shape written) {
		return active(phase(), written);
	}

	static boolean active(Phase phase, Shape written) {
		return switch (phase) {
			case EXPANDED, BACKFILLING, BACKFILLED, SWITCHED -> true;
			// Contract drops the old columns: they need nothing more, the new ones are what remains.
			case CONTRACTING -> written == Shape.OLD;
			// Rollback drops the new columns: the old ones must hold every write made through the new shape.
			case ROLLING_BACK -> written == Shape.NEW;
			case PENDING, EXPANDING, COMPLETED, ROLLED_BACK, UNDOING, UNDONE -> false;
		};
	}

	/**
	 * Keeps the rows of {@code keys}, which the caller has just written in shape {@code written} on
	 * {@code connection} (in its transaction, not yet committed), in step: computes their other shape and
	 * writes it on the same connection. Does nothing when the phase needs no sync.
	 * @param keys the primary keys of the written rows ({@code null}s are ignored): a value per row, or, for a
	 * primary key of several columns, an {@code Object[]} or {@code List} per row with one value per key column
	 * in the key's order
	 * @return the number of rows written by the sync
	 * @throws ApplicationSyncException if the sync fails; the caller must roll its transaction back (the
	 * write and its sync commit together or not at all)
	 */
	public int sync(Connection connection, Shape written, Collection<?> keys) {
		Phase phase = phase();
		if (!active(phase, written)) {
			return 0;
		}
		List<String[]> texts = texts(keys);
		if (texts.isEmpty()) {
			return 0;
		}
		return run(phase, written, texts.size(), (sync) -> sync.sync(connection, texts));
	}

	/**
	 * Keeps the row of {@code key} in step, as {@link #sync(Connection, Shape, Collection)}, when the caller
	 * also knows the values it has just written ({@code values}, by column name, as the application gave them:
	 * an entity's properties by column). Where they hold every column a transform reads, the sync computes
	 * from them and writes in one statement, which returns what the row holds so that zdm computes again from
	 * the row when the two differ: one round trip instead of two for the most common write, with the same
	 * result ({@link RowSync#sync(Connection, String[], Map)}).
	 * @param key the row's primary key (as for {@link #sync(Connection, Shape, Collection)}); {@code null} is
	 * ignored
	 * @return the number of rows written by the sync
	 * @throws ApplicationSyncException if the sync fails; the caller must roll its transaction back
	 */
	public int sync(Connection connection, Shape written, Object key, Map<String, Object> values) {
		Phase phase = phase();
		if (!active(phase, written)) {
			return 0;
		}
		String[] text = parts(key);
		if (text == null) {
			return 0;
		}
		return run(phase, written, 1, (sync) -> sync.sync(connection, text, values));
	}

	/** One write's sync by one operation's {@link RowSync}. */
	@FunctionalInterface
	private interface Step {

		int run(RowSync sync) throws SQLException;

	}

	private int run(Phase phase, Shape written, int keys, Step step) {
		int rows = 0;
		for (Operation operation : operations()) {
			TransformTarget.Pass pass = operation.pass();
			try {
				this.syncs.incrementAndGet();
				long started = System.nanoTime();
				int count = step.run(operation.sync(written));
				rows += count;
				this.listener.applicationSync(this.migrationId, operation.index(), keys, count,
						Duration.ofNanos(System.nanoTime() - started));
			}
			catch (SQLException ex) {
				throw failure(operation.index(), pass, phase, written, ex);
			}
			catch (RuntimeException ex) {
				throw new ApplicationSyncException(this.migrationId, describe(operation.index(), pass) + " could not be "
						+ "kept in step: " + ex.getMessage() + ". The write was not committed.", ex);
			}
		}
		return rows;
	}

	private ApplicationSyncException failure(int index, TransformTarget.Pass pass, Phase phase, Shape written,
			SQLException ex) {
		String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
		String message = describe(index, pass) + ": the sync of the written rows (" + written.name().toLowerCase()
				+ " shape written, migration " + phase + " as last read) failed: "
				+ ex.getMessage().lines().findFirst().orElse("") + ". The write was not committed.";
		if (state.equals("42703") || state.equals("42P01")) {
			// A column or table is gone: another instance contracted or rolled back since the phase was read.
			Phase now = refresh(true).phase();
			message += " The migration is now " + now + (active(now, written)
					? "." : ", which needs no sync any more: retry the write.");
		}
		else if (state.equals(TRANSFORM_FAILED)) {
			message += " Fix the transform '" + pass.target().transformName() + "' (it must accept every value the "
					+ "application writes) or the data.";
		}
		return new ApplicationSyncException(this.migrationId, message, ex);
	}

	private String describe(int index, TransformTarget.Pass pass) {
		return "Migration " + this.migrationId + ", operation " + index + " (transform '"
				+ pass.target().transformName() + "' on " + pass.target().target().table() + ")";
	}

	private List<Operation> operations() {
		List<Operation> current = this.resolved;
		if (current == null) {
			synchronized (this) {
				current = this.resolved;
				if (current == null) {
					try {
						List<Operation> operations = new ArrayList<>();
						new TreeMap<>(this.passes.resolve()).forEach((index, pass) -> operations
							.add(new Operation(index, pass, pass.rowSync(false), pass.rowSync(true))));
						current = List.copyOf(operations);
					}
					catch (RuntimeException ex) {
						throw new ApplicationSyncException(this.migrationId, "Migration " + this.migrationId + " needs "
								+ "application-side sync in its phase " + phase() + ", but this instance cannot resolve its "
								+ "Java transforms: " + ex.getMessage() + ". The write was not committed.", ex);
					}
					this.resolved = current;
				}
			}
		}
		return current;
	}

	private static List<String[]> texts(Collection<?> keys) {
		if (keys.size() == 1) {
			// A single-row save: no map needed to drop duplicates.
			String[] key = parts(keys.iterator().next());
			return (key != null) ? List.<String[]>of(key) : List.of();
		}
		Map<List<String>, String[]> texts = new LinkedHashMap<>();
		for (Object key : keys) {
			String[] parts = parts(key);
			if (parts != null) {
				texts.putIfAbsent(Arrays.asList(parts), parts);
			}
		}
		return new ArrayList<>(texts.values());
	}

	/** The text form of each value of {@code key}, or {@code null} when it (or one of its values) is null. */
	private static String[] parts(Object key) {
		if (key == null) {
			return null;
		}
		List<?> values = (key instanceof Object[] array) ? Arrays.asList(array)
				: (key instanceof List<?> list) ? list : null;
		if (values == null) {
			return new String[] { key.toString() };
		}
		String[] parts = new String[values.size()];
		for (int i = 0; i < parts.length; i++) {
			if (values.get(i) == null) {
				return null;
			}
			parts[i] = values.get(i).toString();
		}
		return parts;
	}

	/**
	 * How many set-based syncs this instance ran: one per call and operation, whatever the number of rows
	 * (each is one locking read by key and one write-back), for tests and metrics.
	 */
	public long syncCount() {
		return this.syncs.get();
	}

}

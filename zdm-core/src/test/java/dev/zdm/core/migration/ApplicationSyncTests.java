package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.migration.ApplicationSync.Shape;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.ReplaceColumns.NewColumn;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.transform.RowTransform;
import dev.zdm.core.transform.TransformRegistry;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ApplicationSync}: the sync of written rows by key, in the writer's transaction, in the direction of
 * the shape written, only in the phases that need it; with writers racing the backfill to COMPLETED.
 */
@ExtendWith(PostgresExtension.class)
class ApplicationSyncTests {

	private static final int PEOPLE = 2_000;

	private static final int WRITERS = 8;

	/** The split of names, except that it fails on the name 'boom'. */
	private static final RowTransform PICKY = new RowTransform() {

		@Override
		public Map<String, Object> up(Map<String, Object> old) {
			if ("boom".equals(old.get("full_name"))) {
				throw new IllegalArgumentException("cannot split 'boom'");
			}
			return ReplaceColumnsTests.SPLIT_NAME.up(old);
		}

		@Override
		public Map<String, Object> down(Map<String, Object> current) {
			return ReplaceColumnsTests.SPLIT_NAME.down(current);
		}

	};

	private final TestDatabase db;

	ApplicationSyncTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void clean() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS people CASCADE",
				"DROP TABLE IF EXISTS accounts CASCADE",
				"DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'zdm\\_%' LOOP "
						+ "EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE'; END LOOP; END $$",
				"CREATE TABLE people (id bigint PRIMARY KEY, full_name text, born int)",
				"INSERT INTO people SELECT g, 'First' || g || ' Last ' || g, 1900 + g % 100 FROM generate_series(1, "
						+ PEOPLE + ") g");
	}

	private Orchestrator zdm(RowTransform split) {
		return zdm(split, MigrationListener.NONE);
	}

	private Orchestrator zdm(RowTransform split, MigrationListener listener) {
		Orchestrator zdm = new Orchestrator(this.db.dataSource(),
				ZdmSettings.defaults()
					.withBackfill(BackfillSettings.defaults().withBatchSizes(100, 50, 200))
					.withListener(listener),
				TransformRegistry.of(Map.of("splitName", split)));
		zdm.install();
		return zdm;
	}

	private static Plan split(String id) {
		return Plan.builder(id)
			.replaceColumns("people", List.of("full_name"),
					List.of(new NewColumn(Identifier.of("first_name"), "text", false, null),
							new NewColumn(Identifier.of("last_name"), "text", false, null)),
					"splitName")
			.build();
	}

	@Test
	void syncsOnlyInThePhasesThatNeedItInTheDirectionOfTheShapeWritten() throws SQLException {
		Orchestrator zdm = zdm(ReplaceColumnsTests.SPLIT_NAME);
		String id = "sync-phases";
		zdm.start(split(id));
		ApplicationSync sync = zdm.applicationSync(id);
		assertThat(sync.phase()).isEqualTo(Phase.PENDING);
		// Before expand there is no new column: nothing to do, and no statement.
		assertThat(write(sync, Shape.OLD, "UPDATE people SET full_name = 'Ada Lovelace' WHERE id = 1", 1L)).isZero();
		assertThat(sync.syncCount()).isZero();

		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		// This orchestrator moved the migration: the cache knows without waiting for a refresh.
		assertThat(sync.phase()).isEqualTo(Phase.EXPANDED);
		assertThat(write(sync, Shape.OLD, "UPDATE people SET full_name = 'Grace Brewster Hopper' WHERE id = 2", 2L))
			.isEqualTo(1);
		assertThat(row(2)).isEqualTo("Grace Brewster Hopper|Grace|Brewster Hopper");

		assertThat(zdm.advanceTo(id, Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		// New code writes the new shape; the old column is computed with 'down', for old readers and rollback.
		assertThat(write(sync, Shape.NEW, "UPDATE people SET first_name = 'Alan', last_name = 'Turing' WHERE id = 3",
				3L)).isEqualTo(1);
		assertThat(row(3)).isEqualTo("Alan Turing|Alan|Turing");
		// Old code still running after switch writes the old shape: its write is not overwritten, but propagated.
		assertThat(write(sync, Shape.OLD, "UPDATE people SET full_name = 'Edsger Dijkstra' WHERE id = 4", 4L))
			.isEqualTo(1);
		assertThat(row(4)).isEqualTo("Edsger Dijkstra|Edsger|Dijkstra");

		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.COMPLETED);
		long syncs = sync.syncCount();
		assertThat(write(sync, Shape.NEW, "UPDATE people SET first_name = 'Barbara' WHERE id = 5", 5L)).isZero();
		assertThat(sync.syncCount()).isEqualTo(syncs);
	}

	@Test
	void aThousandRowsAreOneSyncAndWritesThroughTheNewShapeSurviveARollback() throws SQLException {
		List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
		Orchestrator zdm = zdm(ReplaceColumnsTests.SPLIT_NAME, new MigrationListener() {

			@Override
			public void applicationSync(String migrationId, int operation, int keys, int rowsWritten,
					java.time.Duration time) {
				heard.add(migrationId + " op " + operation + ": " + keys + " keys, " + rowsWritten + " rows");
			}

		});
		String id = "sync-rollback";
		zdm.start(split(id));
		ApplicationSync sync = zdm.applicationSync(id);
		assertThat(zdm.advanceTo(id, Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		long before = sync.syncCount();
		Object[] keys = LongStream.rangeClosed(1, 1_000).boxed().toArray();
		assertThat(write(sync, Shape.NEW, "UPDATE people SET first_name = 'N' || id, last_name = 'Ew' WHERE id <= 1000",
				keys)).isEqualTo(1_000);
		assertThat(sync.syncCount() - before).isEqualTo(1);
		// The listener (the starter's meters) hears the sync once, with its rows.
		assertThat(heard).containsExactly("sync-rollback op 1: 1000 keys, 1000 rows");

		assertThat(zdm.rollback(id).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE id <= 1000 AND full_name = 'N' || id || ' Ew'"))
			.isEqualTo(1_000);
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE id > 1000 AND full_name = 'First' || id "
				+ "|| ' Last ' || id")).isEqualTo(PEOPLE - 1_000);
		// Rolled back: the new columns are gone, nothing to sync.
		assertThat(write(sync, Shape.NEW, "UPDATE people SET full_name = 'x' WHERE id = 1", 1L)).isZero();
	}

	@Test
	void aTransformThatFailsFailsTheWriteNamingTheMigration() throws SQLException {
		Orchestrator zdm = zdm(PICKY);
		String id = "sync-fails";
		zdm.start(split(id));
		zdm.advance(id);
		ApplicationSync sync = zdm.applicationSync(id);
		assertThatThrownBy(() -> write(sync, Shape.OLD, "UPDATE people SET full_name = 'boom' WHERE id = 9", 9L))
			.isInstanceOf(ApplicationSyncException.class)
			.hasMessageContaining("Migration sync-fails, operation 1 (transform 'splitName' on public.people)")
			.hasMessageContaining("transform 'splitName' failed on the row of public.people with key (id=9)")
			.hasMessageContaining("The write was not committed");
		assertThat(row(9)).isEqualTo("First9 Last 9||");
	}

	@Test
	void aSingleRowWriteWhoseValuePostgresCannotStoreFailsNamingTheRowAndOneKeyGivenTwiceIsOneRow()
			throws SQLException {
		// born -> born_year (int): the transform gives text PostgreSQL cannot read as an int for born = 1800.
		RowTransform year = new RowTransform() {

			@Override
			public Map<String, Object> up(Map<String, Object> old) {
				Object born = old.get("born");
				return Map.of("born_year", Integer.valueOf(1800).equals(born) ? "eighteen hundred" : born);
			}

		};
		Orchestrator zdm = zdm(year);
		String id = "sync-uncastable";
		zdm.start(Plan.builder(id)
			.replaceColumns("people", List.of("born"), List.of(new NewColumn(Identifier.of("born_year"), "int", false, null)),
					"splitName")
			.build());
		zdm.advance(id);
		ApplicationSync sync = zdm.applicationSync(id);
		assertThat(write(sync, Shape.OLD, "UPDATE people SET born = 1950 WHERE id = 3", 3L, 3L)).isOne();
		assertThat(this.db.queryStrings("SELECT born_year::text FROM people WHERE id = 3")).containsExactly("1950");
		// A key of no row: nothing to sync, nothing fails.
		assertThat(write(sync, Shape.OLD, "UPDATE people SET born = 1951 WHERE id = 4", 999_999L)).isZero();
		assertThatThrownBy(() -> write(sync, Shape.OLD, "UPDATE people SET born = 1800 WHERE id = 7", 7L))
			.isInstanceOf(ApplicationSyncException.class)
			.hasMessageContaining("Migration sync-uncastable, operation 1 (transform 'splitName' on public.people)")
			.hasMessageContaining("gave a value that PostgreSQL cannot store in its column, for one of the rows of "
					+ "public.people with keys from (id=7) to (id=7)")
			.hasMessageContaining("The write was not committed");
		assertThat(this.db.queryStrings("SELECT born || '|' || coalesce(born_year::text, '') FROM people WHERE id = 7"))
			.containsExactly("1907|");
	}

	@Test
	void rowsOfACompositePrimaryKeyAreSyncedByTheirValuesInKeyOrder() throws SQLException {
		this.db.execute("DROP TABLE IF EXISTS accounts CASCADE",
				"CREATE TABLE accounts (tenant int, id bigint, full_name text, PRIMARY KEY (tenant, id))",
				"INSERT INTO accounts SELECT t, g, 'First' || g || ' Last ' || t FROM generate_series(1, 3) t, "
						+ "generate_series(1, 100) g");
		Orchestrator zdm = zdm(ReplaceColumnsTests.SPLIT_NAME);
		String id = "sync-composite";
		zdm.start(Plan.builder(id)
			.replaceColumns("accounts", List.of("full_name"),
					List.of(new NewColumn(Identifier.of("first_name"), "text", false, null),
							new NewColumn(Identifier.of("last_name"), "text", false, null)),
					"splitName")
			.build());
		zdm.advance(id);
		ApplicationSync sync = zdm.applicationSync(id);
		// One row: its key as a List of the key's values, in the key's column order (tenant, id).
		assertThat(write(sync, Shape.OLD, "UPDATE accounts SET full_name = 'Ada Lovelace' WHERE tenant = 2 AND id = 5",
				List.of(2, 5L))).isOne();
		// Several rows, as arrays; the same id in another tenant is another row.
		assertThat(write(sync, Shape.OLD, "UPDATE accounts SET full_name = 'Grace Hopper' WHERE id = 7 AND tenant <> 2",
				new Object[] { 1, 7L }, new Object[] { 3, 7L }, new Object[] { 3, 7L })).isEqualTo(2);
		assertThat(this.db.queryStrings("SELECT tenant || ':' || id || '=' || concat_ws('|', full_name, first_name, "
				+ "last_name) FROM accounts WHERE first_name IS NOT NULL ORDER BY tenant, id"))
			.containsExactly("1:7=Grace Hopper|Grace|Hopper", "2:5=Ada Lovelace|Ada|Lovelace", "3:7=Grace Hopper|Grace|Hopper");
		// A key that gives the id alone cannot name a row: the write fails, saying what to give.
		assertThatThrownBy(() -> write(sync, Shape.OLD, "UPDATE accounts SET full_name = 'Alan Turing' WHERE tenant = 1 "
				+ "AND id = 9", 9L))
			.isInstanceOf(ApplicationSyncException.class)
			.hasMessageContaining("a key of 1 value (9) was given for table public.accounts, whose primary key has 2 "
					+ "columns (tenant, id): give one value per key column, in that order")
			.hasMessageContaining("The write was not committed");
		assertThat(this.db.queryStrings("SELECT full_name FROM accounts WHERE tenant = 1 AND id = 9"))
			.containsExactly("First9 Last 1");
	}

	@Test
	void eightWritersThroughTheSyncRaceTheBackfillToCompletedWithoutAMismatch() throws Exception {
		Orchestrator zdm = zdm(ReplaceColumnsTests.SPLIT_NAME);
		String id = "sync-race";
		zdm.start(split(id));
		ApplicationSync sync = zdm.applicationSync(id);
		try (Writers writers = new Writers(sync).start()) {
			assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
			assertThat(zdm.advance(id).phase()).isEqualTo(Phase.BACKFILLED);
			assertThat(zdm.advance(id).phase()).isEqualTo(Phase.SWITCHED);
			writers.stop();
			assertThat(writers.failures).isEmpty();
			assertThat(writers.writes.get()).isGreaterThan(100);
			assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE first_name IS DISTINCT FROM "
					+ "split_part(full_name, ' ', 1) OR last_name IS DISTINCT FROM nullif(substr(full_name, "
					+ "length(split_part(full_name, ' ', 1)) + 2), '')")).isZero();
			Map<Long, String> stored = new HashMap<>();
			for (List<Object> row : this.db.query("SELECT id, full_name FROM people")) {
				stored.put(((Number) row.get(0)).longValue(), (String) row.get(1));
			}
			// No lost update: every row holds its last committed write.
			assertThat(stored).containsAllEntriesOf(writers.latest);
			assertThat(zdm.advance(id).phase()).isEqualTo(Phase.COMPLETED);
		}
	}

	@Test
	void aSingleRowWriteGivenItsValuesIsOneStatementComputedFromThemWhenTheRowHoldsThem() throws SQLException {
		Orchestrator zdm = zdm(PICKY);
		String id = "sync-values";
		zdm.start(split(id));
		zdm.advance(id);
		ApplicationSync sync = zdm.applicationSync(id);
		// The values written are what the row holds: one statement writes and confirms.
		assertThat(writeGiven(sync, Shape.OLD, "UPDATE people SET full_name = 'Ada Lovelace' WHERE id = 1", 1L,
				Map.of("full_name", "Ada Lovelace", "born", 1815))).containsExactly(1, 1);
		assertThat(row(1)).isEqualTo("Ada Lovelace|Ada|Lovelace");
		// Values that are not what the row holds (PostgreSQL stored another form, a trigger changed it): the
		// statement returns what the row holds, and the sync computes again from it, in the same transaction.
		assertThat(writeGiven(sync, Shape.OLD, "UPDATE people SET full_name = 'Grace Hopper' WHERE id = 2", 2L,
				Map.of("full_name", "Someone Else"))).containsExactly(1, 2);
		assertThat(row(2)).isEqualTo("Grace Hopper|Grace|Hopper");
		// A transform that fails on the values given, but not on what the row holds: the write succeeds.
		assertThat(writeGiven(sync, Shape.OLD, "UPDATE people SET full_name = 'Alan Turing' WHERE id = 3", 3L,
				Map.of("full_name", "boom"))).containsExactly(1, 2);
		assertThat(row(3)).isEqualTo("Alan Turing|Alan|Turing");
		// Values that lack a column the transform reads, or of a class the driver does not read: the locking read.
		assertThat(writeGiven(sync, Shape.OLD, "UPDATE people SET full_name = 'Edsger Dijkstra' WHERE id = 4", 4L,
				Map.of("born", 1930))).containsExactly(1, 2);
		assertThat(writeGiven(sync, Shape.OLD, "UPDATE people SET full_name = 'Barbara Liskov' WHERE id = 5", 5L,
				Map.of("full_name", new StringBuilder("Barbara Liskov")))).containsExactly(1, 2);
		assertThat(row(4)).isEqualTo("Edsger Dijkstra|Edsger|Dijkstra");
		assertThat(row(5)).isEqualTo("Barbara Liskov|Barbara|Liskov");
		// A null written is a value like another.
		assertThat(writeGiven(sync, Shape.OLD, "UPDATE people SET full_name = NULL WHERE id = 6", 6L,
				java.util.Collections.singletonMap("full_name", null))).containsExactly(1, 1);
		assertThat(row(6)).isEqualTo("|");
		// A key of no row: nothing written.
		assertThat(writeGiven(sync, Shape.OLD, "UPDATE people SET full_name = 'No One' WHERE id = 7", 999_999L,
				Map.of("full_name", "No One"))).containsExactly(0, 1);
		// The transform fails on what the row holds: the write fails, naming the row, and is not committed.
		assertThatThrownBy(() -> writeGiven(sync, Shape.OLD, "UPDATE people SET full_name = 'boom' WHERE id = 8", 8L,
				Map.of("full_name", "boom")))
			.isInstanceOf(ApplicationSyncException.class)
			.hasMessageContaining("transform 'splitName' failed on the row of public.people with key (id=8)")
			.hasMessageContaining("The write was not committed");
		assertThat(row(8)).isEqualTo("First8 Last 8||");
		// After switch, the new shape's values give the old column ('down').
		assertThat(zdm.advanceTo(id, Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(writeGiven(sync, Shape.NEW, "UPDATE people SET first_name = 'Niklaus', last_name = 'Wirth' "
				+ "WHERE id = 9", 9L, Map.of("first_name", "Niklaus", "last_name", "Wirth"))).containsExactly(1, 1);
		assertThat(row(9)).isEqualTo("Niklaus Wirth|Niklaus|Wirth");
	}

	/**
	 * Writes with {@code sql} and syncs the row of {@code key} given {@code values}, in one transaction.
	 * @return the rows the sync wrote, and the statements it prepared
	 */
	private List<Integer> writeGiven(ApplicationSync sync, Shape shape, String sql, Object key,
			Map<String, Object> values) throws SQLException {
		AtomicLong statements = new AtomicLong();
		int synced = write(sql, (connection) -> sync.sync((Connection) java.lang.reflect.Proxy.newProxyInstance(
				getClass().getClassLoader(), new Class<?>[] { Connection.class }, (proxy, method, arguments) -> {
					if (method.getName().equals("prepareStatement")) {
						statements.incrementAndGet();
					}
					try {
						return method.invoke(connection, arguments);
					}
					catch (java.lang.reflect.InvocationTargetException ex) {
						throw ex.getCause();
					}
				}), shape, key, values));
		return List.of(synced, (int) statements.get());
	}

	private int write(ApplicationSync sync, Shape shape, String sql, Object... keys) throws SQLException {
		return write(sql, (connection) -> sync.sync(connection, shape, List.of(keys)));
	}

	/** The sync of a write, on the write's connection. */
	@FunctionalInterface
	private interface SyncCall {

		int sync(Connection connection) throws SQLException;

	}

	/** Writes with {@code sql} and runs {@code sync} in the same transaction: both commit, or neither. */
	private int write(String sql, SyncCall sync) throws SQLException {
		try (Connection connection = this.db.dataSource().getConnection()) {
			connection.setAutoCommit(false);
			try {
				try (PreparedStatement statement = connection.prepareStatement(sql)) {
					statement.executeUpdate();
				}
				int synced = sync.sync(connection);
				connection.commit();
				return synced;
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
		}
	}

	private String row(long id) {
		return this.db.queryStrings("SELECT concat_ws('|', full_name, coalesce(first_name, ''), coalesce(last_name, "
				+ "'')) FROM people WHERE id = ?", id).get(0);
	}

	/** Writers of the old shape, each owning the ids congruent to its number, syncing every write. */
	private final class Writers implements AutoCloseable {

		final AtomicBoolean running = new AtomicBoolean(true);

		final AtomicLong writes = new AtomicLong();

		final Map<Long, String> latest = new ConcurrentHashMap<>();

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		private final List<Thread> threads = new ArrayList<>();

		private final ApplicationSync sync;

		Writers(ApplicationSync sync) {
			this.sync = sync;
		}

		Writers start() {
			for (int w = 0; w < WRITERS; w++) {
				int writer = w;
				Thread thread = new Thread(() -> write(writer), "sync-writer-" + w);
				thread.start();
				this.threads.add(thread);
			}
			return this;
		}

		private void write(int writer) {
			long nextNew = PEOPLE + WRITERS + writer;
			try (Connection connection = ApplicationSyncTests.this.db.dataSource().getConnection()) {
				connection.setAutoCommit(false);
				long n = 0;
				while (this.running.get()) {
					n++;
					boolean insert = ThreadLocalRandom.current().nextInt(10) == 0;
					long person;
					if (insert) {
						person = nextNew;
						nextNew += WRITERS;
					}
					else {
						long pick = ThreadLocalRandom.current().nextLong(1, PEOPLE + 1);
						person = pick - (pick % WRITERS) + writer;
						if (person < 1 || person > PEOPLE) {
							continue;
						}
					}
					String fullName = "W" + writer + "x" + n + ((n % 7 == 0) ? "" : " Name " + person);
					try (PreparedStatement statement = connection.prepareStatement(insert
							? "INSERT INTO people (full_name, id) VALUES (?, ?)" : "UPDATE people SET full_name = ? WHERE id = ?")) {
						statement.setString(1, fullName);
						statement.setLong(2, person);
						statement.executeUpdate();
					}
					if (writer % 2 == 0) {
						this.sync.sync(connection, Shape.OLD, List.of(person));
					}
					else {
						// Half the writers give what they wrote: one statement, computed from their values.
						this.sync.sync(connection, Shape.OLD, person, Map.of("full_name", fullName));
					}
					connection.commit();
					this.latest.put(person, fullName);
					this.writes.incrementAndGet();
				}
			}
			catch (SQLException | RuntimeException ex) {
				this.failures.add(ex);
			}
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread thread : this.threads) {
				thread.join();
			}
		}

		@Override
		public void close() throws InterruptedException {
			stop();
		}

	}

}

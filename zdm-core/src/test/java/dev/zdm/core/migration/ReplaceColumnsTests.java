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

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.operation.VersionSchema;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.core.plan.ReplaceColumns;
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
import static org.awaitility.Awaitility.await;

/**
 * {@code replaceColumns}: {@code people.full_name} split into {@code first_name} and {@code last_name}, by a
 * Java transform while sessions dual-write (as the application must), and by SQL {@code up}/{@code down}
 * kept in step by triggers, through every phase and back; and the plans and transforms it refuses.
 */
@ExtendWith(PostgresExtension.class)
class ReplaceColumnsTests {

	private static final int PEOPLE = 3_000;

	private static final int SESSIONS = 4;

	/** Splits at the first space: "Ada King Lovelace" is Ada, King Lovelace. */
	static final RowTransform SPLIT_NAME = new RowTransform() {

		@Override
		public Map<String, Object> up(Map<String, Object> old) {
			String[] parts = split((String) old.get("full_name"));
			Map<String, Object> split = new HashMap<>();
			split.put("first_name", parts[0]);
			split.put("last_name", parts[1]);
			return split;
		}

		@Override
		public Map<String, Object> down(Map<String, Object> current) {
			Object first = current.get("first_name");
			return Map.of("full_name", first + " " + current.get("last_name"));
		}

	};

	private final TestDatabase db;

	ReplaceColumnsTests(TestDatabase db) {
		this.db = db;
	}

	static String[] split(String fullName) {
		if (fullName == null) {
			return new String[] { null, null };
		}
		int space = fullName.indexOf(' ');
		return (space < 0) ? new String[] { fullName, null }
				: new String[] { fullName.substring(0, space), fullName.substring(space + 1) };
	}

	@BeforeEach
	void clean() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS people, names CASCADE",
				"DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'zdm\\_%' LOOP "
						+ "EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE'; END LOOP; END $$",
				"CREATE TABLE people (id bigint PRIMARY KEY, full_name text, born int)",
				"INSERT INTO people SELECT g, 'First' || g || ' Last ' || g, 1900 + g % 100 FROM generate_series(1, "
						+ PEOPLE + ") g");
	}

	private Orchestrator zdm(TransformRegistry transforms) {
		// Small batches: many batches, each racing the writers. The writers' own sessions hold the active-sessions
		// signal on, and the backfill slowed to a seventeenth ends all the same: its last range ends at the key planning
		// saw, and the writers' inserts after it are theirs to keep in step.
		Orchestrator zdm = new Orchestrator(this.db.dataSource(),
				ZdmSettings.defaults().withBackfill(BackfillSettings.defaults().withBatchSizes(100, 50, 200)), transforms);
		zdm.install();
		return zdm;
	}

	private static Plan javaSplit(String id) {
		return Plan.builder(id)
			.replaceColumns("people", List.of("full_name"),
					List.of(new NewColumn(Identifier.of("first_name"), "text", true, null),
							new NewColumn(Identifier.of("last_name"), "text", false, null)),
					"splitName")
			.build();
	}

	// ---- a Java transform while the application dual-writes ----

	@Test
	void splitByAJavaTransformWhileFourSessionsDualWriteLosesNothing() throws Exception {
		Orchestrator zdm = zdm(TransformRegistry.of(Map.of("splitName", SPLIT_NAME)));
		String id = "split-java";
		MigrationStatus started = zdm.start(javaSplit(id));
		assertThat(started.needsApplicationSync()).isTrue();
		assertThat(started.applicationSync()).contains("every writer must write both full_name and first_name, last_name");
		assertThat(zdm.events(id)).anySatisfy((event) -> assertThat(event.detail()).contains("no trigger keeps"));
		try (DualWriters writers = new DualWriters().start()) {
			await().until(() -> writers.writes.get() > 50);
			assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
			// From expand on, the application writes both shapes in one statement.
			writers.dualWrite = true;
			long before = writers.dualWrites.get();
			await().until(() -> writers.dualWrites.get() > before + 50);
			assertThat(zdm.advance(id).phase()).isEqualTo(Phase.BACKFILLED);
			assertThat(zdm.status(id).needsApplicationSync()).isTrue();
			assertThat(zdm.advance(id).phase()).isEqualTo(Phase.SWITCHED);
			long switched = writers.dualWrites.get();
			await().until(() -> writers.dualWrites.get() > switched + 50);
			writers.stop();
			assertThat(writers.failures).isEmpty();
			// New code after switch, through the version schema: the final shape only.
			assertThat(this.db.queryStrings("SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 "
					+ "AND NOT attisdropped ORDER BY attnum", VersionSchema.name(id) + ".people"))
				.containsExactly("id", "born", "first_name", "last_name");
			assertThat(zdm.advance(id).phase()).isEqualTo(Phase.COMPLETED);
			assertThat(zdm.status(id).needsApplicationSync()).isFalse();

			assertThat(this.db.queryStrings("SELECT attname FROM pg_attribute WHERE attrelid = 'people'::regclass "
					+ "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"))
				.containsExactly("id", "born", "first_name", "last_name");
			assertThat(this.db.queryStrings("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'people'::regclass "
					+ "AND attname IN ('first_name', 'last_name') ORDER BY attname"))
				.containsExactly("true", "false");
			Map<Long, String> expected = new HashMap<>();
			for (long person = 1; person <= PEOPLE; person++) {
				expected.put(person, "First" + person + " Last " + person);
			}
			expected.putAll(writers.latest);
			assertThat(writers.latest.keySet().stream().anyMatch((key) -> key > PEOPLE)).isTrue();
			long mismatches = 0;
			for (List<Object> row : this.db.query("SELECT id, first_name, last_name FROM people ORDER BY id")) {
				String[] want = split(expected.get((Long) row.get(0)));
				if (!java.util.Objects.equals(want[0], row.get(1)) || !java.util.Objects.equals(want[1], row.get(2))) {
					mismatches++;
				}
			}
			assertThat(mismatches).isZero();
			assertThat(this.db.queryLong("SELECT count(*) FROM people")).isEqualTo(expected.size());
			assertThat(writers.writes.get()).isGreaterThan(200);
		}
	}

	@Test
	void aWriteToTheOldShapeAloneStopsContractAndNamesTheRow() {
		Orchestrator zdm = zdm(TransformRegistry.of(Map.of("splitName", SPLIT_NAME)));
		String id = "split-stray";
		zdm.start(javaSplit(id));
		assertThat(zdm.advanceTo(id, Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		// A writer that was not changed to dual-write: the old shape only.
		this.db.execute("UPDATE people SET full_name = 'Grace Hopper' WHERE id = 7");
		String fingerprint = columns();

		assertThatThrownBy(() -> zdm.advance(id)).isInstanceOf(MigrationException.class)
			.hasMessageContaining("cannot contract " + id + " operation 1 (replaceColumns): 1 row of public.people")
			.hasMessageContaining("(keys (7))")
			.hasMessageContaining("every writer must write both")
			.hasMessageContaining("The migration stays SWITCHED");
		assertThat(zdm.status(id).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(columns()).isEqualTo(fingerprint);

		// Written again in both shapes, the row is in step and contract goes on.
		this.db.execute("UPDATE people SET full_name = 'Grace Hopper', first_name = 'Grace', last_name = 'Hopper' "
				+ "WHERE id = 7");
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT first_name || '|' || last_name FROM people WHERE id = 7"))
			.containsExactly("Grace|Hopper");
	}

	@Test
	void aJavaSplitRolledBackFromSwitchedLeavesTheTableAsItWas() {
		String before = catalog();
		Orchestrator zdm = zdm(TransformRegistry.of(Map.of("splitName", SPLIT_NAME)));
		String id = "split-java-back";
		zdm.start(javaSplit(id));
		assertThat(zdm.advanceTo(id, Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE first_name IS NULL")).isZero();
		this.db.execute("UPDATE people SET full_name = 'Alan Turing', first_name = 'Alan', last_name = 'Turing' "
				+ "WHERE id = 3");
		assertThat(zdm.rollback(id).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(before);
		assertThat(this.db.queryStrings("SELECT full_name FROM people WHERE id IN (3, 4) ORDER BY id"))
			.containsExactly("Alan Turing", "First4 Last 4");
	}

	@Test
	void aJavaTransformWalksSeveralRangesAndCompositeKeys() {
		// Keys spread over 300,000 values: several ranges, each bounded above.
		this.db.execute("DROP TABLE people", "CREATE TABLE people (id bigint PRIMARY KEY, full_name text, born int)",
				"INSERT INTO people SELECT g * 100, 'First' || g || ' Last ' || g, 1900 FROM generate_series(1, 3000) g",
				"CREATE TABLE names (tenant text, id uuid, full_name text, PRIMARY KEY (tenant, id))",
				"INSERT INTO names SELECT 't' || (g % 3), md5(g::text)::uuid, 'N' || g || ' M ' || g "
						+ "FROM generate_series(1, 1000) g");
		Orchestrator zdm = zdm(TransformRegistry.of(Map.of("splitName", SPLIT_NAME)));
		String id = "split-ranges";
		zdm.start(Plan.builder(id)
			.replaceColumns("people", List.of("full_name"),
					List.of(new NewColumn(Identifier.of("first_name"), "text", true, null),
							new NewColumn(Identifier.of("last_name"), "text", false, null)),
					"splitName")
			.replaceColumns("names", List.of("full_name"),
					List.of(new NewColumn(Identifier.of("first_name"), "varchar(40)", true, null),
							new NewColumn(Identifier.of("last_name"), "text", false, null)),
					"splitName")
			.build());
		assertThat(zdm.advanceTo(id, Phase.BACKFILLED).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_backfill_range WHERE migration_id = ? "
				+ "AND operation_index = 1", id)).isGreaterThan(1);
		// A Java transform's writers keep later rows in step: each pass's last range ends at the greatest key
		// planning saw (BoundedLastRangeTests for trigger-kept passes).
		String greatestName = this.db
			.queryStrings("SELECT ARRAY[tenant, id::text]::text FROM names ORDER BY tenant DESC, id DESC LIMIT 1")
			.get(0);
		assertThat(this.db.queryStrings("SELECT DISTINCT ON (operation_index) coalesce(upper_key::text, 'open') FROM "
				+ "zdm.zdm_backfill_range WHERE migration_id = ? ORDER BY operation_index, range_id DESC", id))
			.containsExactly("{300000}", greatestName);
		assertThat(zdm.status(id).backfill().rowsDone()).isEqualTo(4000);
		assertThat(zdm.advanceTo(id, Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE first_name || ' ' || last_name "
				+ "<> 'First' || (id / 100) || ' Last ' || (id / 100)")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM names WHERE first_name IS NULL OR last_name !~ '^M [0-9]+$'"))
			.isZero();
		this.db.execute("DROP TABLE names");
	}

	@Test
	void aBatchWaitsForARowTheApplicationHoldsAndWritesWhatItCommitted() throws Exception {
		Orchestrator zdm = zdm(TransformRegistry.of(Map.of("splitName", SPLIT_NAME)));
		String id = "split-locked";
		zdm.start(javaSplit(id));
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		try (Connection application = this.db.dataSource().getConnection()) {
			application.setAutoCommit(false);
			try (PreparedStatement statement = application.prepareStatement("UPDATE people SET full_name = 'Ada Lovelace', "
					+ "first_name = 'Ada', last_name = 'Lovelace' WHERE id = 150")) {
				statement.executeUpdate();
			}
			java.util.concurrent.CompletableFuture<MigrationStatus> backfill = java.util.concurrent.CompletableFuture
				.supplyAsync(() -> zdm.advance(id));
			// The batch that reaches row 150 waits for it (and retries after each lock timeout).
			await().until(() -> this.db.queryLong("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
					+ "AND query LIKE '%FOR UPDATE%' AND datname = current_database()") > 0);
			assertThat(backfill).isNotDone();
			application.commit();
			assertThat(backfill.get(5, java.util.concurrent.TimeUnit.MINUTES).phase()).isEqualTo(Phase.BACKFILLED);
		}
		assertThat(this.db.queryStrings("SELECT first_name || '|' || last_name FROM people WHERE id IN (149, 150) "
				+ "ORDER BY id")).containsExactly("First149|Last 149", "Ada|Lovelace");
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE first_name IS NULL")).isZero();
	}

	@Test
	void twoInstancesShareAJavaBackfillAndComputeEveryRowExactlyOnce() throws Exception {
		// Keys spread over 3,000,000 values: 16 ranges.
		this.db.execute("DROP TABLE people", "CREATE TABLE people (id bigint PRIMARY KEY, full_name text, born int)",
				"INSERT INTO people SELECT g * 1000, 'First' || g || ' Last ' || g, 1900 FROM generate_series(1, 3000) g");
		Map<String, Integer> calls = new ConcurrentHashMap<>();
		java.util.concurrent.CountDownLatch secondWorks = new java.util.concurrent.CountDownLatch(1);
		RowTransform counting = (old) -> {
			if (Thread.currentThread().getName().equals("instance-b")) {
				secondWorks.countDown();
			}
			else if (Thread.currentThread().getName().equals("instance-a")) {
				// Instance a holds its first range until instance b works on another.
				try {
					if (!secondWorks.await(2, java.util.concurrent.TimeUnit.MINUTES)) {
						throw new IllegalStateException("instance b never took a range");
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
			calls.merge((String) old.get("full_name"), 1, Integer::sum);
			return SPLIT_NAME.up(old);
		};
		TransformRegistry registry = TransformRegistry.of(Map.of("splitName", counting));
		Orchestrator a = instance("instance-a", registry);
		Orchestrator b = instance("instance-b", registry);
		String id = "split-shared";
		a.start(javaSplit(id));
		b.start(javaSplit(id));
		assertThat(a.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			java.util.concurrent.Future<MigrationStatus> first = threads.submit(() -> {
				Thread.currentThread().setName("instance-a");
				return a.advance(id);
			});
			await().until(() -> a.status(id).phase() == Phase.BACKFILLING);
			java.util.concurrent.Future<MigrationStatus> second = threads.submit(() -> {
				Thread.currentThread().setName("instance-b");
				// The first holds the migration's lock only to plan the backfill, and again to verify it.
				while (true) {
					try {
						return b.advance(id);
					}
					catch (MigrationBusyException ex) {
						Thread.onSpinWait();
					}
				}
			});
			assertThat(first.get(5, java.util.concurrent.TimeUnit.MINUTES).phase()).isIn(Phase.BACKFILLING, Phase.BACKFILLED);
			assertThat(second.get(5, java.util.concurrent.TimeUnit.MINUTES).phase()).isIn(Phase.BACKFILLING, Phase.BACKFILLED);
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(a.status(id).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(this.db.queryStrings("SELECT DISTINCT lease_owner FROM zdm.zdm_backfill_range WHERE migration_id = ? "
				+ "ORDER BY 1", id)).containsExactly("instance-a", "instance-b");
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_backfill_range WHERE migration_id = ?", id))
			.isEqualTo(16);
		// Once by the backfill, once by the verification.
		assertThat(calls).hasSize(3000);
		assertThat(calls.values()).containsOnly(2);
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE first_name IS NULL")).isZero();
	}

	private Orchestrator instance(String name, TransformRegistry transforms) {
		// One worker per instance, in the caller's thread: the tests tell the instances apart by thread name and
		// lease owner.
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults().withInstanceId(name)
			.withBackfill(BackfillSettings.defaults().withBatchSizes(100, 50, 200).withParallelism(1)), transforms);
		zdm.install();
		return zdm;
	}

	// ---- SQL up/down, kept in step by triggers ----

	private static Plan sqlSplit(String id) {
		return Plan.builder(id)
			.replaceColumns("people", List.of("full_name"),
					List.of(new NewColumn(Identifier.of("first_name"), "text", true, null),
							new NewColumn(Identifier.of("last_name"), "text", false, "''")),
					List.of("split_part(full_name, ' ', 1)", "nullif(substr(full_name, length(split_part(full_name, ' ', 1)) + 2), '')"),
					List.of("first_name || coalesce(' ' || last_name, '')"))
			.build();
	}

	@Test
	void anSqlSplitGoesThroughEveryPhaseWithWritesThroughBothShapes() {
		Orchestrator zdm = zdm(TransformRegistry.NONE);
		String id = "split-sql";
		MigrationStatus started = zdm.start(sqlSplit(id));
		assertThat(started.needsApplicationSync()).isFalse();
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		String view = VersionSchema.name(id) + ".people";
		// Old code writes the old shape; new code the new one, through the version schema.
		this.db.execute("UPDATE people SET full_name = 'Ada King Lovelace' WHERE id = 1",
				"UPDATE " + view + " SET first_name = 'Grace', last_name = 'Hopper' WHERE id = 2",
				"INSERT INTO people (id, full_name) VALUES (100001, 'Edsger Dijkstra')",
				"INSERT INTO " + view + " (id, first_name, last_name) VALUES (100002, 'Barbara', 'Liskov')",
				"UPDATE " + view + " SET last_name = 'Knuth' WHERE id = 3");
		assertThat(this.db.queryStrings("SELECT full_name FROM people WHERE id IN (2, 3, 100002) ORDER BY id"))
			.containsExactly("Grace Hopper", "First3 Knuth", "Barbara Liskov");
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE first_name IS NULL")).isZero();
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.SWITCHED);
		this.db.execute("UPDATE " + view + " SET first_name = 'Alan' WHERE id = 4",
				"UPDATE people SET full_name = 'Niklaus Wirth' WHERE id = 5");
		assertThatThrownBy(() -> this.db.execute("INSERT INTO " + view + " (id, last_name) VALUES (100003, 'Nobody')"))
			.hasMessageContaining("zdm_split_sql_1_nn1");
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.COMPLETED);

		assertThat(this.db.queryStrings("SELECT id || ':' || first_name || '|' || coalesce(last_name, 'NULL') FROM people "
				+ "WHERE id IN (1, 2, 3, 4, 5, 6, 100001, 100002) ORDER BY id"))
			.containsExactly("1:Ada|King Lovelace", "2:Grace|Hopper", "3:First3|Knuth", "4:Alan|Last 4",
					"5:Niklaus|Wirth", "6:First6|Last 6", "100001:Edsger|Dijkstra", "100002:Barbara|Liskov");
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE first_name || ' ' || last_name <> 'First' || id "
				+ "|| ' Last ' || id AND id > 5 AND id <= " + PEOPLE)).isZero();
		assertThat(this.db.queryStrings("SELECT attname FROM pg_attribute WHERE attrelid = 'people'::regclass "
				+ "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"))
			.containsExactly("id", "born", "first_name", "last_name");
		assertThat(this.db.queryStrings("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = "
				+ "'people'::regclass")).containsExactly("''::text");
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'people'::regclass "
				+ "AND NOT tgisinternal")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_proc WHERE proname LIKE 'zdm_split_sql%'")).isZero();
	}

	@Test
	void anSqlSplitRolledBackFromSwitchedKeepsEveryWriteInTheOldColumn() {
		this.db.execute("ALTER TABLE people ALTER COLUMN full_name SET DEFAULT 'Anonymous Person'");
		String before = catalog();
		Orchestrator zdm = zdm(TransformRegistry.NONE);
		String id = "split-sql-back";
		zdm.start(sqlSplit(id));
		assertThat(zdm.advanceTo(id, Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		String view = VersionSchema.name(id) + ".people";
		this.db.execute("UPDATE " + view + " SET first_name = 'Grace', last_name = 'Hopper' WHERE id = 2",
				"INSERT INTO people (id) VALUES (100001)",
				"INSERT INTO " + view + " (id, first_name, last_name) VALUES (100002, 'Barbara', 'Liskov')");
		assertThat(this.db.queryStrings("SELECT first_name || '|' || last_name FROM people WHERE id = 100001"))
			.containsExactly("Anonymous|Person");
		assertThat(zdm.rollback(id).phase()).isEqualTo(Phase.ROLLED_BACK);

		assertThat(catalog()).isEqualTo(before);
		assertThat(this.db.queryStrings("SELECT full_name FROM people WHERE id IN (1, 2, 100001, 100002) ORDER BY id"))
			.containsExactly("First1 Last 1", "Grace Hopper", "Anonymous Person", "Barbara Liskov");
	}

	@Test
	void anSqlMergeOfTwoColumnsIntoOneKeepsWritesToEitherShape() {
		this.db.execute("CREATE TABLE names (id bigint PRIMARY KEY, first text, last text)",
				"INSERT INTO names SELECT g, 'F' || g, 'L' || g FROM generate_series(1, 500) g");
		Orchestrator zdm = zdm(TransformRegistry.NONE);
		String id = "merge-sql";
		zdm.start(Plan.builder(id)
			.replaceColumns("names", List.of("first", "last"),
					List.of(new NewColumn(Identifier.of("full_name"), "text", true, null)),
					List.of("first || ' ' || last"),
					List.of("split_part(full_name, ' ', 1)", "split_part(full_name, ' ', 2)"))
			.build());
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		String view = VersionSchema.name(id) + ".names";
		// Old code writes one column of the old side; new code the new column.
		this.db.execute("UPDATE names SET last = 'Lovelace' WHERE id = 1",
				"UPDATE " + view + " SET full_name = 'Grace Hopper' WHERE id = 2",
				"INSERT INTO names (id, first, last) VALUES (1001, 'Alan', 'Turing')",
				"INSERT INTO " + view + " (id, full_name) VALUES (1002, 'Edsger Dijkstra')");
		assertThat(this.db.queryStrings("SELECT first || '|' || last || '|' || full_name FROM names WHERE id IN "
				+ "(1, 2, 1001, 1002) ORDER BY id"))
			.containsExactly("F1|Lovelace|F1 Lovelace", "Grace|Hopper|Grace Hopper", "Alan|Turing|Alan Turing",
					"Edsger|Dijkstra|Edsger Dijkstra");
		assertThat(zdm.advanceTo(id, Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		this.db.execute("UPDATE names SET first = 'Ada' WHERE id = 1");
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT full_name FROM names WHERE id IN (1, 2, 3, 1001, 1002) ORDER BY id"))
			.containsExactly("Ada Lovelace", "Grace Hopper", "F3 L3", "Alan Turing", "Edsger Dijkstra");
		assertThat(this.db.queryStrings("SELECT attname FROM pg_attribute WHERE attrelid = 'names'::regclass "
				+ "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")).containsExactly("id", "full_name");
		this.db.execute("DROP TABLE names");
	}

	@Test
	void sqlWhoseDownDoesNotGiveBackTheOldValuesIsAcceptedWithAWarning() {
		// One space each ("First1 Last1"), which the pair round-trips; but not a single name.
		this.db.execute("UPDATE people SET full_name = replace(full_name, 'Last ', 'Last')",
				"UPDATE people SET full_name = 'Plato' WHERE id = 2");
		Orchestrator zdm = zdm(TransformRegistry.NONE);
		String id = "split-lossy";
		zdm.start(Plan.builder(id)
			.replaceColumns("people", List.of("full_name"),
					List.of(new NewColumn(Identifier.of("first_name"), "text", false, null),
							new NewColumn(Identifier.of("last_name"), "text", false, null)),
					List.of("split_part(full_name, ' ', 1)", "split_part(full_name, ' ', 2)"),
					List.of("first_name || ' ' || last_name"))
			.build());
		assertThat(zdm.events(id)).anySatisfy((event) -> assertThat(event.detail())
			.contains("'up' then 'down' does not give back the old values of full_name for 1 of the first 3000 rows "
					+ "(by primary key); for example, at key (2), (Plato) comes back as (Plato )"));
		assertThat(zdm.status(id).phase()).isEqualTo(Phase.PENDING);
	}

	// ---- refusals ----

	@Test
	void anUnknownTransformAMissingColumnAndATakenNameAreRefusedNamingPlanOperationAndFix() {
		this.db.execute("ALTER TABLE people ADD COLUMN nickname text");
		String before = catalog();
		Orchestrator zdm = zdm(TransformRegistry.of(Map.of("splitName", SPLIT_NAME)));
		Plan plan = new PlanLoader().load("""
				id: bad-split
				operations:
				  - replaceColumns:
				      table: people
				      from: [full_name, fullname]
				      to:
				        - {name: first_name, type: text}
				        - {name: nickname, type: text}
				      transform: splitNames
				""", "db/zdm/bad-split.yaml");
		assertThatThrownBy(() -> zdm.start(plan)).isInstanceOfSatisfying(PlanException.class, (ex) -> {
			assertThat(ex.getMessage()).startsWith("Plan bad-split was refused, nothing was executed:");
			assertThat(ex.getMessage()).contains("db/zdm/bad-split.yaml: operation 1 (replaceColumns): 'transform' names "
					+ "the Java transform 'splitNames', which this application does not provide (it provides splitName). "
					+ "Register a RowTransform under that name in the TransformRegistry given to the Orchestrator");
			assertThat(ex.getMessage()).contains("operation 1 (replaceColumns): table public.people has no column "
					+ "\"fullname\" (in 'from'). Known columns: id, full_name, born, nickname.");
			assertThat(ex.getMessage()).contains("operation 1 (replaceColumns): table public.people already has a column "
					+ "\"nickname\" (in 'to'): choose another name.");
			assertThat(ex.problems()).hasSize(3);
		});
		assertThat(catalog()).isEqualTo(before);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration")).isZero();
	}

	@Test
	void sqlThatDoesNotFitAndAMismatchedCountAreRefused() {
		String before = catalog();
		Orchestrator zdm = zdm(TransformRegistry.NONE);
		Plan plan = Plan.builder("bad-sql")
			.operation(new ReplaceColumns(dev.zdm.core.sql.QualifiedName.parse("people"), List.of(Identifier.of("full_name")),
					List.of(new NewColumn(Identifier.of("first_name"), "text", false, null)), null,
					List.of("split_part(fullname, ' ', 1)"), List.of("first || ' x'")))
			.build();
		assertThatThrownBy(() -> zdm.start(plan)).isInstanceOfSatisfying(PlanException.class, (ex) -> {
			assertThat(ex.getMessage()).contains("operation 1 (replaceColumns): 'up' of \"first_name\" does not give a text "
					+ "from the old row");
			assertThat(ex.getMessage()).contains("operation 1 (replaceColumns): 'down' of \"full_name\" does not give a "
					+ "text from the new row (new columns: first_name)");
		});
		assertThatThrownBy(() -> Plan.builder("bad-count")
			.replaceColumns("people", List.of("full_name"), List.of(new NewColumn(Identifier.of("first_name"), "text",
					false, null)), List.of("full_name", "full_name"), List.of("first_name"))
			.build()).isInstanceOf(PlanException.class)
			.hasMessageContaining("'up' has 2 expressions for 1 'to' columns: give one per 'to' column, in their order");
		assertThatThrownBy(() -> Plan.builder("bad-both")
			.operation(new ReplaceColumns(dev.zdm.core.sql.QualifiedName.parse("people"), List.of(Identifier.of("full_name")),
					List.of(new NewColumn(Identifier.of("first_name"), "text", false, null)), "splitName",
					List.of("full_name"), List.of("first_name")))
			.build()).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("give either 'transform'");
		assertThat(catalog()).isEqualTo(before);
	}

	@Test
	void aTransformThatThrowsOnOneRowStopsTheBackfillNamingTheRowsKey() {
		AtomicBoolean broken = new AtomicBoolean(true);
		Map<Object, Integer> calls = new ConcurrentHashMap<>();
		RowTransform failing = (old) -> {
			if (broken.get() && "First1234 Last 1234".equals(old.get("full_name"))) {
				throw new IllegalStateException("cannot split this one");
			}
			calls.merge(old.get("full_name"), 1, Integer::sum);
			return SPLIT_NAME.up(old);
		};
		String before = catalog();
		Orchestrator zdm = zdm(TransformRegistry.of(Map.of("splitName", failing)));
		String id = "split-throws";
		zdm.start(javaSplit(id));
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		assertThatThrownBy(() -> zdm.advance(id)).hasMessageContaining("transform 'splitName' failed on the row of "
				+ "public.people with key (id=1234): java.lang.IllegalStateException: cannot split this one");
		assertThat(zdm.status(id).error()).contains("(id=1234)");
		assertThat(zdm.status(id).phase()).isEqualTo(Phase.BACKFILLING);
		// The batch holding that row rolled back; the batches before it stay done.
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE first_name IS NOT NULL")).isBetween(1L, 1233L);
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE id >= 1234 AND first_name IS NOT NULL")).isZero();

		// Fixed, the backfill resumes from its checkpoint: rows written before are not computed again.
		broken.set(false);
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(calls.get("First1 Last 1")).as("once by the backfill, once by the verification").isEqualTo(2);
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE first_name IS NULL")).isZero();
		assertThat(zdm.rollback(id).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(before);
	}

	@Test
	void aValueTheColumnCannotHoldNamesTheBatchsKeysAndPostgresqlsReason() {
		RowTransform badYear = (old) -> Map.of("first_name", "x", "last_name", "y", "born_year",
				"2000".equals(String.valueOf(old.get("born"))) ? "MMXX" : old.get("born"));
		this.db.execute("UPDATE people SET born = 2000 WHERE id = 77");
		Orchestrator zdm = zdm(TransformRegistry.of(Map.of("badYear", badYear)));
		String id = "split-uncastable";
		zdm.start(Plan.builder(id)
			.replaceColumns("people", List.of("full_name", "born"),
					List.of(new NewColumn(Identifier.of("first_name"), "text", false, null),
							new NewColumn(Identifier.of("last_name"), "text", false, null),
							new NewColumn(Identifier.of("born_year"), "smallint", false, null)),
					"badYear")
			.build());
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		assertThatThrownBy(() -> zdm.advance(id)).hasMessageContaining("transform 'badYear' gave a value that PostgreSQL "
				+ "cannot store in its column, for one of the rows of public.people with keys from (id=1) to (id=100): ")
			.hasMessageContaining("MMXX");
		assertThat(zdm.rollback(id).phase()).isEqualTo(Phase.ROLLED_BACK);
	}

	@Test
	void aTransformNotRegisteredOnTheInstanceThatRunsTheBackfillIsReported() {
		String id = "split-unregistered";
		Orchestrator first = zdm(TransformRegistry.of(Map.of("splitName", SPLIT_NAME)));
		first.start(javaSplit(id));
		assertThat(first.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		Orchestrator other = zdm(TransformRegistry.NONE);
		other.start(javaSplit(id));
		assertThatThrownBy(() -> other.advance(id)).isInstanceOf(MigrationException.class)
			.hasMessageContaining("split-unregistered operation 1 (replaceColumns) names the Java transform 'splitName', "
					+ "which is not registered on this instance");
		assertThat(other.rollback(id).phase()).isEqualTo(Phase.ROLLED_BACK);
	}

	/** Columns, defaults, constraints, triggers and zdm's functions of the people table. */
	private String catalog() {
		return this.db.queryStrings("""
				SELECT string_agg(x, '; ' ORDER BY x) FROM (
				  SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' '
				    || coalesce(pg_get_expr(d.adbin, d.adrelid), '-') AS x
				  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
				  WHERE a.attrelid = 'people'::regclass AND a.attnum > 0 AND NOT a.attisdropped
				  UNION ALL SELECT 'constraint ' || conname FROM pg_constraint WHERE conrelid = 'people'::regclass
				  UNION ALL SELECT 'index ' || indexrelid::regclass::text FROM pg_index WHERE indrelid = 'people'::regclass
				  UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = 'people'::regclass AND NOT tgisinternal
				  UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proname LIKE 'zdm\\_%'
				) t""").get(0);
	}

	private String columns() {
		return String.join(",", this.db.queryStrings("SELECT attname FROM pg_attribute WHERE attrelid = "
				+ "'people'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"));
	}

	/**
	 * Sessions that update and insert people, each owning the ids congruent to its number, writing the old
	 * shape until {@link #dualWrite}, then both shapes in one statement, as the application must.
	 */
	private final class DualWriters implements AutoCloseable {

		volatile boolean dualWrite;

		final AtomicBoolean running = new AtomicBoolean(true);

		final AtomicLong writes = new AtomicLong();

		final AtomicLong dualWrites = new AtomicLong();

		final Map<Long, String> latest = new ConcurrentHashMap<>();

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		private final List<Thread> threads = new ArrayList<>();

		DualWriters start() {
			for (int s = 0; s < SESSIONS; s++) {
				int session = s;
				Thread thread = new Thread(() -> write(session), "dual-writer-" + s);
				thread.start();
				this.threads.add(thread);
			}
			return this;
		}

		private void write(int session) {
			long nextNew = PEOPLE + 1 + session;
			while (nextNew % SESSIONS != session) {
				nextNew++;
			}
			try (Connection connection = ReplaceColumnsTests.this.db.dataSource().getConnection()) {
				long n = 0;
				while (this.running.get()) {
					n++;
					boolean dual = this.dualWrite;
					boolean insert = ThreadLocalRandom.current().nextInt(10) == 0;
					long person;
					if (insert) {
						person = nextNew;
						nextNew += SESSIONS;
					}
					else {
						long pick = ThreadLocalRandom.current().nextLong(1, PEOPLE + 1);
						person = pick - (pick % SESSIONS) + session;
						if (person < 1 || person > PEOPLE) {
							continue;
						}
					}
					String fullName = "W" + session + "x" + n + ((n % 7 == 0) ? "" : " Name " + person);
					String[] split = split(fullName);
					String sql = insert
							? (dual ? "INSERT INTO people (id, full_name, first_name, last_name) VALUES (?, ?, ?, ?)"
									: "INSERT INTO people (id, full_name) VALUES (?, ?)")
							: (dual ? "UPDATE people SET full_name = ?, first_name = ?, last_name = ? WHERE id = ?"
									: "UPDATE people SET full_name = ? WHERE id = ?");
					try (PreparedStatement statement = connection.prepareStatement(sql)) {
						int p = 1;
						if (insert) {
							statement.setLong(p++, person);
						}
						statement.setString(p++, fullName);
						if (dual) {
							statement.setString(p++, split[0]);
							statement.setString(p++, split[1]);
						}
						if (!insert) {
							statement.setLong(p, person);
						}
						statement.executeUpdate();
					}
					this.latest.put(person, fullName);
					this.writes.incrementAndGet();
					if (dual) {
						this.dualWrites.incrementAndGet();
					}
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

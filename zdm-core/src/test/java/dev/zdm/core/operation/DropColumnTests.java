package dev.zdm.core.operation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.ddl.DdlSettings;
import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.migration.MigrationStatus;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.core.state.MigrationEvent;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code dropColumn} beyond the operation contract: the archive (complete, surviving a crash mid-copy,
 * catching writes made while the migration runs), {@code undo} from it, retention, {@code NOT NULL} handled
 * without a scan under {@code ACCESS EXCLUSIVE}, and bad input refused with the fix and the catalog unchanged.
 */
@ExtendWith(PostgresExtension.class)
class DropColumnTests {

	private final TestDatabase db;

	private Orchestrator zdm;

	DropColumnTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void setUp() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS items, other, keyless CASCADE",
				"DROP VIEW IF EXISTS item_codes", "DROP DOMAIN IF EXISTS positive_qty");
		this.zdm = orchestrator(ZdmSettings.defaults());
	}

	private Orchestrator orchestrator(ZdmSettings settings) {
		Orchestrator orchestrator = new Orchestrator(this.db.dataSource(), settings);
		orchestrator.install();
		return orchestrator;
	}

	private void items(int rows) {
		this.db.execute("CREATE TABLE items (id bigint PRIMARY KEY, name text, code text NOT NULL)",
				"INSERT INTO items SELECT g, 'item ' || g, 'code-' || g || CASE WHEN g % 7 = 0 THEN ' ''quoted''' ELSE '' END "
						+ "FROM generate_series(1, " + rows + ") g",
				"ANALYZE items");
	}

	// ---- undo ----

	@Test
	void undoRestoresEveryValueOfAHundredThousandRowColumnWithItsNotNullWithoutBlockingTheApplication()
			throws Exception {
		items(100_000);
		String before = this.db.queryStrings("SELECT md5(string_agg(id || ':' || code, ',' ORDER BY id)) FROM items").get(0);
		String catalogBefore = columns("items");
		this.zdm.start(Plan.builder("drop-code").dropColumn("items", "code").build());
		assertThat(this.zdm.advance("drop-code").phase()).isEqualTo(Phase.EXPANDED);
		// Expand keeps the column, without its NOT NULL (it has no default): writers that stop setting it work.
		assertThat(columns("items")).contains("code text false");
		this.db.execute("INSERT INTO zdm_drop_code.items (id, name) VALUES (100001, 'new')");
		this.db.execute("DELETE FROM items WHERE id = 100001");
		assertThat(this.zdm.advanceTo("drop-code", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(columns("items")).doesNotContain("code");
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_drop_code_1_archive")).isEqualTo(100_000);

		// The load below keeps five sessions busy (four writers and the lock sampler), which holds the
		// active-sessions signal for the whole restore: slowed to a seventeenth, on a loaded 2-core CI machine the
		// restore of 100,000 rows took 12.5 minutes. The signals are tested in BackfillThrottleTests; this test
		// is about the lock bound and the values, so that signal is off (the others keep their defaults).
		Orchestrator undoing = orchestrator(ZdmSettings.defaults()
			.withDdl(DdlSettings.defaults().withLockTimeout(LOCK_TIMEOUT).withMaxAttempts(100)
				.withBackoff(Duration.ofMillis(50), Duration.ofMillis(400)))
			.withBackfill(BackfillSettings.defaults().withThrottle(ThrottleSettings.defaults().withMaxActiveSessions(0))));
		undoing.start(Plan.builder("drop-code").dropColumn("items", "code").build());
		MigrationStatus undone = underLoad("items", 100_000, () -> undoing.undo("drop-code"));
		assertThat(undone.phase()).isEqualTo(Phase.UNDONE);
		assertThat(undone.error()).isNull();
		assertThat(columns("items")).isEqualTo(catalogBefore);
		assertThat(this.db.queryStrings("SELECT md5(string_agg(id || ':' || code, ',' ORDER BY id)) FROM items").get(0))
			.isEqualTo(before);
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = 'items'::regclass "
				+ "AND contype = 'c'")).as("the NOT NULL check is gone").isZero();
		assertThat(this.zdm.events("drop-code")).extracting(MigrationEvent::action, MigrationEvent::toPhase)
			.contains(org.assertj.core.groups.Tuple.tuple("undo", "UNDOING"),
					org.assertj.core.groups.Tuple.tuple("undo", "UNDONE"));
		// Undoing again changes nothing; advancing is refused.
		assertThat(this.zdm.undo("drop-code").phase()).isEqualTo(Phase.UNDONE);
		assertThatThrownBy(() -> this.zdm.advance("drop-code")).hasMessageContaining("nothing to advance");
	}

	@Test
	void undoRestoresTheDefaultAndGivesItToRowsInsertedAfterTheDrop() {
		this.db.execute("CREATE TABLE items (id bigint PRIMARY KEY, name text, code text NOT NULL DEFAULT 'none')",
				"INSERT INTO items SELECT g, 'item ' || g, 'code-' || g FROM generate_series(1, 500) g",
				"UPDATE items SET code = 'x' WHERE id = 3");
		String catalogBefore = columns("items");
		this.zdm.start(Plan.builder("drop-code-default").dropColumn("items", "code").build());
		assertThat(this.zdm.advance("drop-code-default").phase()).isEqualTo(Phase.EXPANDED);
		// With a default, the column keeps its NOT NULL: writers that leave it out get the default.
		assertThat(columns("items")).isEqualTo(catalogBefore);
		this.zdm.advanceTo("drop-code-default", Phase.COMPLETED);
		this.db.execute("INSERT INTO items (id, name) VALUES (501, 'after the drop')");
		assertThat(this.zdm.undo("drop-code-default").phase()).isEqualTo(Phase.UNDONE);
		assertThat(columns("items")).isEqualTo(catalogBefore);
		assertThat(this.db.queryStrings("SELECT code FROM items WHERE id IN (1, 3, 500, 501) ORDER BY id"))
			.containsExactly("code-1", "x", "code-500", "none");
	}

	@Test
	void undoIsRefusedWithTheReasonAndChangesNothing() {
		items(50);
		this.db.execute("CREATE TABLE other (id bigint PRIMARY KEY, a text)");
		this.zdm.start(Plan.builder("drop-code-taken").dropColumn("items", "code").build());
		this.zdm.start(Plan.builder("rename-a").renameColumn("other", "a", "b").build());
		assertThatThrownBy(() -> this.zdm.undo("drop-code-taken")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("is PENDING: only a COMPLETED migration can be undone; roll it back instead");
		this.zdm.advanceTo("drop-code-taken", Phase.SWITCHED);
		assertThatThrownBy(() -> this.zdm.undo("drop-code-taken"))
			.hasMessageContaining("is SWITCHED: only a COMPLETED migration can be undone; roll it back instead");
		this.zdm.advanceTo("drop-code-taken", Phase.COMPLETED);
		this.zdm.advanceTo("rename-a", Phase.COMPLETED);
		assertThatThrownBy(() -> this.zdm.undo("rename-a")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("Migration rename-a cannot be undone: rename-a operation 1 (renameColumn): renameColumn "
					+ "cannot be undone once its migration completed: write a new plan that reverses it")
			.hasMessageContaining("Nothing was changed.");

		this.db.execute("ALTER TABLE items ADD COLUMN code integer");
		String catalog = columns("items");
		assertThatThrownBy(() -> this.zdm.undo("drop-code-taken")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("table public.items already has a column \"code\" (added since the drop): rename or drop "
					+ "it, then undo again.");
		assertThat(columns("items")).isEqualTo(catalog);
		assertThat(this.zdm.status("drop-code-taken").phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.zdm.status("drop-code-taken").error()).isNull();
		this.db.execute("ALTER TABLE items DROP COLUMN code");
		assertThat(this.zdm.undo("drop-code-taken").phase()).isEqualTo(Phase.UNDONE);
		assertThat(this.db.queryStrings("SELECT code FROM items WHERE id = 7")).containsExactly("code-7 'quoted'");
	}

	@Test
	void undoOfAColumnOfAConstrainedDomainIsRefusedWithTheArchiveToRestoreFrom() {
		this.db.execute("CREATE DOMAIN positive_qty AS integer CHECK (VALUE > 0)",
				"CREATE TABLE items (id bigint PRIMARY KEY, name text, qty positive_qty)",
				"INSERT INTO items SELECT g, 'item ' || g, g FROM generate_series(1, 20) g");
		this.zdm.start(Plan.builder("drop-qty").dropColumn("items", "qty").build());
		this.zdm.advanceTo("drop-qty", Phase.COMPLETED);
		String catalog = catalog();
		assertThatThrownBy(() -> this.zdm.undo("drop-qty")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("the type positive_qty of column qty is a domain with a NOT NULL, check or default "
					+ "(domain positive_qty): adding the column back would check or fill every row of public.items under "
					+ "an ACCESS EXCLUSIVE lock. Restore the column by hand from the archive table zdm.zdm_drop_qty_1_archive");
		assertThat(catalog()).isEqualTo(catalog);
		assertThat(this.zdm.status("drop-qty").phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT sum(qty) FROM zdm.zdm_drop_qty_1_archive")).isEqualTo(210);
	}

	// ---- the archive ----

	@Test
	void theArchiveSurvivesACrashMidCopyAndHoldsEveryValueOnce() {
		items(20_000);
		Orchestrator small = orchestrator(ZdmSettings.defaults()
			.withBackfill(BackfillSettings.defaults().withBatchSizes(500, 500, 500)));
		small.start(Plan.builder("drop-code-crash").dropColumn("items", "code").build());
		assertThat(small.advance("drop-code-crash").phase()).isEqualTo(Phase.EXPANDED);
		// The process "dies" in the middle of the copy: the batch that reaches row 12345 fails, and is rolled back.
		this.db.execute("CREATE FUNCTION crash_archive() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
				+ "IF NEW.id = 12345 THEN RAISE EXCEPTION 'simulated crash mid-copy'; END IF; RETURN NEW; END $$",
				"CREATE TRIGGER crash_archive BEFORE INSERT ON zdm.zdm_drop_code_crash_1_archive FOR EACH ROW "
						+ "EXECUTE FUNCTION crash_archive()",
				"ALTER TABLE zdm.zdm_drop_code_crash_1_archive ENABLE ALWAYS TRIGGER crash_archive");
		assertThatThrownBy(() -> small.advance("drop-code-crash")).hasMessageContaining("simulated crash mid-copy");
		long archived = this.db.queryLong("SELECT count(*) FROM zdm.zdm_drop_code_crash_1_archive");
		assertThat(archived).as("the batches before the crash stay archived").isBetween(1L, 12_344L);
		assertThat(small.status("drop-code-crash").phase()).isEqualTo(Phase.BACKFILLING);
		this.db.execute("DROP TRIGGER crash_archive ON zdm.zdm_drop_code_crash_1_archive", "DROP FUNCTION crash_archive()");
		// Rows changed meanwhile reach the archive through the trigger, with their new value.
		this.db.execute("UPDATE items SET code = 'changed' WHERE id IN (2, 19999)");

		assertThat(small.advance("drop-code-crash").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_drop_code_crash_1_archive")).isEqualTo(20_000);
		assertThat(this.db.queryLong("SELECT count(*) FROM items i JOIN zdm.zdm_drop_code_crash_1_archive a USING (id) "
				+ "WHERE a.code IS NOT DISTINCT FROM i.code")).isEqualTo(20_000);
		// Resumed from its cursor: every row was copied once (row 19999 by the trigger, before the copy reached it).
		assertThat(this.db.queryLong("SELECT sum(rows_done) FROM zdm.zdm_backfill_range WHERE migration_id = ?",
				"drop-code-crash")).isEqualTo(19_999);
		assertThat(small.advanceTo("drop-code-crash", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT code FROM zdm.zdm_drop_code_crash_1_archive WHERE id IN (1, 2, 19999) "
				+ "ORDER BY id")).containsExactly("code-1", "changed", "changed");
	}

	@Test
	void anInstanceKilledMidCopyIsTakenOverAndEveryValueIsArchivedOnce() throws Exception {
		items(20_000);
		BackfillSettings backfill = BackfillSettings.defaults().withBatchSizes(500, 500, 500)
			.withLeaseDuration(Duration.ofSeconds(2));
		Orchestrator first = orchestrator(ZdmSettings.defaults().withBackfill(backfill).withInstanceId("drop-first"));
		Orchestrator second = orchestrator(ZdmSettings.defaults().withBackfill(backfill).withInstanceId("drop-second"));
		Plan plan = Plan.builder("drop-code-kill").dropColumn("items", "code").build();
		first.start(plan);
		second.start(plan);
		assertThat(first.advance("drop-code-kill").phase()).isEqualTo(Phase.EXPANDED);
		// The batch that reaches row 12345 hangs, and its session is killed there, as a dying instance's would be.
		this.db.execute("CREATE FUNCTION hang_archive() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
				+ "IF NEW.id = 12345 THEN PERFORM pg_sleep(60); END IF; RETURN NEW; END $$",
				"CREATE TRIGGER hang_archive BEFORE INSERT ON zdm.zdm_drop_code_kill_1_archive FOR EACH ROW "
						+ "EXECUTE FUNCTION hang_archive()",
				"ALTER TABLE zdm.zdm_drop_code_kill_1_archive ENABLE ALWAYS TRIGGER hang_archive");
		List<Throwable> died = new CopyOnWriteArrayList<>();
		Thread copier = new Thread(() -> {
			try {
				first.advance("drop-code-kill");
			}
			catch (RuntimeException ex) {
				died.add(ex);
			}
		}, "first-instance");
		copier.start();
		String hanging = "FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND query LIKE 'WITH _zdm_batch%'";
		await().atMost(Duration.ofSeconds(60)).until(() -> this.db.queryLong("SELECT count(*) " + hanging) == 1);
		assertThat(this.db.queryLong("SELECT count(pg_terminate_backend(pid)) " + hanging)).isOne();
		copier.join();
		assertThat(died).hasSize(1);
		long archived = this.db.queryLong("SELECT count(*) FROM zdm.zdm_drop_code_kill_1_archive");
		assertThat(archived).as("the batches committed before the kill stay archived").isEqualTo(12_000);
		this.db.execute("DROP TRIGGER hang_archive ON zdm.zdm_drop_code_kill_1_archive", "DROP FUNCTION hang_archive()");

		// Another instance takes the dead one's range over once its lease expires, from the range's cursor.
		assertThat(second.advance("drop-code-kill").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(this.db.queryLong("SELECT count(*) FROM items i JOIN zdm.zdm_drop_code_kill_1_archive a USING (id) "
				+ "WHERE a.code = i.code")).isEqualTo(20_000);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_drop_code_kill_1_archive")).isEqualTo(20_000);
		assertThat(this.db.queryLong("SELECT sum(rows_done) FROM zdm.zdm_backfill_range WHERE migration_id = ?",
				"drop-code-kill")).as("every row copied once").isEqualTo(20_000);
		assertThat(second.advanceTo("drop-code-kill", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void writesMadeWhileTheMigrationRunsAndUntilContractLocksTheTableAreArchived() throws Exception {
		int rows = 2_000;
		items(rows);
		Map<Long, String> expected = new ConcurrentHashMap<>();
		for (long id = 1; id <= rows; id++) {
			expected.put(id, "code-" + id + ((id % 7 == 0) ? " 'quoted'" : ""));
		}
		Orchestrator small = orchestrator(ZdmSettings.defaults()
			.withBackfill(BackfillSettings.defaults().withBatchSizes(100, 100, 100)));
		small.start(Plan.builder("drop-code-writes").dropColumn("items", "code").build());
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong writes = new AtomicLong();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		List<Thread> writers = new ArrayList<>();
		for (int s = 0; s < 4; s++) {
			int session = s;
			Thread writer = new Thread(() -> {
				long n = 0;
				try (Connection connection = this.db.dataSource().getConnection();
						Statement statement = connection.createStatement()) {
					while (running.get()) {
						// Each session owns its rows, so the last write it saw succeed is the row's value.
						long id = ThreadLocalRandom.current().nextLong(rows / 4) * 4 + session + 1;
						String value = "w" + session + "-" + (++n);
						try {
							statement.executeUpdate("UPDATE items SET code = '" + value + "' WHERE id = " + id);
						}
						catch (SQLException ex) {
							if ("42703".equals(ex.getSQLState())) {
								return; // the column is gone: old code's writes end here
							}
							throw ex;
						}
						expected.put(id, value);
						writes.incrementAndGet();
					}
				}
				catch (SQLException | RuntimeException ex) {
					failures.add(ex);
				}
			}, "old-code-" + s);
			writer.start();
			writers.add(writer);
		}
		try {
			await().until(() -> writes.get() > 200);
			assertThat(small.advanceTo("drop-code-writes", Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
			long atSwitch = writes.get();
			await().until(() -> writes.get() > atSwitch + 200);
			assertThat(small.advance("drop-code-writes").phase()).isEqualTo(Phase.COMPLETED);
		}
		finally {
			running.set(false);
			for (Thread writer : writers) {
				writer.join();
			}
		}
		assertThat(failures).isEmpty();
		Map<Long, String> archived = new HashMap<>();
		for (List<Object> row : this.db.query("SELECT id, code FROM zdm.zdm_drop_code_writes_1_archive")) {
			archived.put(((Number) row.get(0)).longValue(), (String) row.get(1));
		}
		assertThat(archived).isEqualTo(expected);
		assertThat(small.undo("drop-code-writes").phase()).isEqualTo(Phase.UNDONE);
		Map<Long, String> restored = new HashMap<>();
		for (List<Object> row : this.db.query("SELECT id, code FROM items")) {
			restored.put(((Number) row.get(0)).longValue(), (String) row.get(1));
		}
		assertThat(restored).isEqualTo(expected);
	}

	@Test
	void theColumnIsDeprecatedInTheStatusAndHiddenFromTheVersionSchema() {
		items(10);
		this.zdm.start(Plan.builder("drop-code-status").dropColumn("items", "code").build());
		assertThat(this.zdm.status("drop-code-status").deprecatedColumns()).isEmpty();
		this.zdm.advance("drop-code-status");
		assertThat(this.zdm.status("drop-code-status").deprecatedColumns()).containsExactly("public.items.code");
		assertThat(this.db.queryStrings("SELECT column_name FROM information_schema.columns WHERE table_schema = "
				+ "'zdm_drop_code_status' AND table_name = 'items' ORDER BY ordinal_position")).containsExactly("id", "name");
		this.zdm.advanceTo("drop-code-status", Phase.COMPLETED);
		assertThat(this.zdm.status("drop-code-status").deprecatedColumns()).isEmpty();
	}

	// ---- NOT NULL and rollback ----

	@Test
	void rollbackRestoresTheNotNullDroppedInExpandOnceTheNullsWrittenMeanwhileAreFixed() {
		items(100);
		String before = columns("items");
		this.zdm.start(Plan.builder("drop-code-back").dropColumn("items", "code").build());
		this.zdm.advanceTo("drop-code-back", Phase.SWITCHED);
		this.db.execute("INSERT INTO items (id, name) VALUES (101, 'no code')");
		assertThatThrownBy(() -> this.zdm.rollback("drop-code-back"))
			.hasMessageContaining("drop-code-back operation 1 (dropColumn)")
			.hasMessageContaining("1 rows of public.items hold NULL in column code (for example the rows with (id) = (101))")
			.hasMessageContaining("then roll back again");
		this.db.execute("UPDATE items SET code = 'fixed' WHERE id = 101");
		assertThat(this.zdm.rollback("drop-code-back").phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(columns("items")).isEqualTo(before);
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = 'items'::regclass "
				+ "AND contype = 'c'")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_archive")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_class WHERE relname LIKE 'zdm_drop_code_back%'")).isZero();
	}

	// ---- retention ----

	@Test
	void retentionDeletesOnlyTheArchivesKeptLongerThanItOfMigrationsThatAreOver() {
		items(20);
		this.db.execute("CREATE TABLE other (id bigint PRIMARY KEY, a text, b text)",
				"INSERT INTO other SELECT g, 'a' || g, 'b' || g FROM generate_series(1, 20) g");
		Orchestrator zdm = orchestrator(ZdmSettings.defaults().withArchiveRetention(Duration.ofDays(30)));
		zdm.start(Plan.builder("drop-old").dropColumn("items", "code").build());
		zdm.start(Plan.builder("drop-recent").dropColumn("other", "a").build());
		zdm.advanceTo("drop-old", Phase.COMPLETED);
		zdm.advanceTo("drop-recent", Phase.COMPLETED);
		zdm.start(Plan.builder("drop-running").dropColumn("other", "b").build());
		zdm.advanceTo("drop-running", Phase.SWITCHED);
		this.db.execute("UPDATE zdm.zdm_archive SET dropped_at = now() - interval '31 days' WHERE migration_id = 'drop-old'",
				"UPDATE zdm.zdm_archive SET dropped_at = now() - interval '29 days' WHERE migration_id = 'drop-recent'");

		assertThat(zdm.expireArchives()).isEqualTo(1);
		assertThat(archiveTables()).containsExactly("zdm_drop_recent_1_archive", "zdm_drop_running_1_archive");
		assertThat(this.db.queryStrings("SELECT migration_id FROM zdm.zdm_archive WHERE expired_at IS NOT NULL"))
			.containsExactly("drop-old");
		assertThat(zdm.events("drop-old")).extracting(MigrationEvent::action).contains("archive-expired");
		assertThat(zdm.expireArchives()).isZero();
		String catalog = columns("items");
		assertThatThrownBy(() -> zdm.undo("drop-old")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("the archive of column code of public.items expired on")
			.hasMessageContaining("restore the column from a backup instead");
		assertThat(columns("items")).isEqualTo(catalog);
		assertThat(zdm.undo("drop-recent").phase()).isEqualTo(Phase.UNDONE);
		assertThat(this.db.queryStrings("SELECT a FROM other WHERE id = 4")).containsExactly("a4");
	}

	// ---- bad input ----

	@Test
	void badInputIsRefusedWithTheFixAndTheCatalogUnchanged() {
		items(10);
		this.db.execute("CREATE TABLE keyless (a text, b text)",
				"CREATE INDEX items_name_idx ON items (name)",
				"ALTER TABLE items ADD COLUMN qty integer CONSTRAINT qty_positive CHECK (qty > 0)",
				"ALTER TABLE items ADD COLUMN ref text",
				"CREATE VIEW item_codes AS SELECT id, ref FROM items");
		assertRefused("""
				id: drop-missing
				operations:
				  - dropColumn: {table: items, column: colour}
				""", "table public.items has no column \"colour\". Known columns: id, name, code, qty, ref.");
		assertRefused("""
				id: drop-keyless
				operations:
				  - dropColumn: {table: keyless, column: b}
				""", "table public.keyless has no primary key: zdm archives the values of \"b\" by primary key");
		assertRefused("""
				id: drop-key
				operations:
				  - dropColumn: {table: items, column: id}
				""", "column \"id\" is part of the primary key of public.items");
		assertRefused("""
				id: drop-indexed
				operations:
				  - dropColumn: {table: items, column: name}
				""", "column \"name\" is used by index items_name_idx: dropping the column would drop it too. Drop or "
				+ "change it first, in an earlier migration (dropIndex for an index");
		assertRefused("""
				id: drop-checked
				operations:
				  - dropColumn: {table: items, column: qty}
				""", "column \"qty\" is used by constraint qty_positive on table items");
		assertRefused("""
				id: drop-viewed
				operations:
				  - dropColumn: {table: items, column: ref}
				""", "column \"ref\" is used by rule _RETURN on view item_codes", "CREATE OR REPLACE VIEW without the column");
	}

	private void assertRefused(String yaml, String... messages) {
		String catalog = catalog();
		Plan plan = new PlanLoader().load(yaml, "db/zdm/" + yaml.lines().findFirst().orElseThrow().substring(4) + ".yaml");
		assertThatThrownBy(() -> this.zdm.start(plan)).isInstanceOfSatisfying(PlanException.class, (ex) -> {
			assertThat(ex.getMessage()).startsWith("Plan " + plan.id() + " was refused, nothing was executed:");
			assertThat(ex.getMessage()).contains("operation 1 (dropColumn)");
			for (String message : messages) {
				assertThat(ex.getMessage()).contains(message);
			}
			assertThat(ex.problems()).hasSize(1);
		});
		assertThat(catalog()).isEqualTo(catalog);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration WHERE id = ?", plan.id())).isZero();
	}

	// ---- helpers ----

	private static final Duration LOCK_TIMEOUT = Duration.ofMillis(300);

	/** Scheduling margin on a loaded 2-core machine (as the operation contract test allows). */
	private static final Duration MARGIN = Duration.ofMillis(700);

	/**
	 * Runs {@code work} while four sessions read and write single rows of {@code table} (other columns than
	 * the one zdm works on), and a sampler watches for an {@code ACCESS EXCLUSIVE} lock on the table while one
	 * of zdm's scans runs; asserts the lock bound and prints the longest wait.
	 */
	private <T> T underLoad(String table, int rows, java.util.function.Supplier<T> work) throws Exception {
		long oid = this.db.queryLong("SELECT ?::regclass::oid", table);
		AtomicBoolean running = new AtomicBoolean(true);
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		AtomicLong longest = new AtomicLong();
		AtomicLong statements = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int s = 0; s < 4; s++) {
			int session = s;
			Thread thread = new Thread(() -> {
				try (Connection connection = this.db.dataSource().getConnection();
						Statement statement = connection.createStatement()) {
					while (running.get()) {
						long row = ThreadLocalRandom.current().nextLong(rows) + 1;
						String sql = (session % 2 == 0) ? "SELECT * FROM " + table + " WHERE id = " + row
								: "UPDATE " + table + " SET name = 'n" + statements.get() + "' WHERE id = " + row;
						long started = System.nanoTime();
						statement.execute(sql);
						longest.accumulateAndGet(System.nanoTime() - started, Math::max);
						statements.incrementAndGet();
					}
				}
				catch (SQLException | RuntimeException ex) {
					failures.add(ex);
				}
			}, "app-session-" + s);
			thread.start();
			threads.add(thread);
		}
		AtomicLong scansSeen = new AtomicLong();
		List<String> offending = new CopyOnWriteArrayList<>();
		Thread sampler = new Thread(() -> {
			String scans = "a.pid <> pg_backend_pid() AND a.state = 'active' AND a.datname = current_database() "
					+ "AND (a.query ILIKE '%VALIDATE CONSTRAINT%' "
					+ "OR a.query ILIKE 'UPDATE \"public\".\"" + table + "\"%' OR a.query ILIKE 'WITH _zdm_batch%' "
					+ "OR a.query ILIKE 'DO %')";
			String sql = "SELECT (SELECT string_agg(left(a.query, 60), ' | ') FROM pg_stat_activity a WHERE " + scans + "), "
					+ "(SELECT count(*) FROM pg_locks l WHERE l.relation = " + oid + " AND l.mode = 'AccessExclusiveLock' "
					+ "AND l.granted)";
			try (Connection connection = this.db.dataSource().getConnection();
					Statement statement = connection.createStatement()) {
				while (running.get()) {
					try (var rs = statement.executeQuery(sql)) {
						rs.next();
						String scan = rs.getString(1);
						if (scan != null) {
							scansSeen.incrementAndGet();
							if (rs.getLong(2) > 0) {
								offending.add(scan);
							}
						}
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				failures.add(ex);
			}
		}, "lock-sampler");
		sampler.start();
		T result;
		try {
			await().until(() -> statements.get() > 100);
			result = work.get();
		}
		finally {
			running.set(false);
			for (Thread thread : threads) {
				thread.join();
			}
			sampler.join();
		}
		System.out.printf("lock bound of dropColumn undo on %d rows: longest application statement %d ms over %d "
				+ "statements (lock timeout %d ms); %d samples saw a scan, %d of them an ACCESS EXCLUSIVE lock%n", rows,
				longest.get() / 1_000_000, statements.get(), LOCK_TIMEOUT.toMillis(), scansSeen.get(), offending.size());
		assertThat(failures).isEmpty();
		assertThat(scansSeen.get()).as("the sampler saw the scans").isPositive();
		assertThat(offending).as("ACCESS EXCLUSIVE held while a scan ran").isEmpty();
		assertThat(Duration.ofNanos(longest.get())).isLessThan(LOCK_TIMEOUT.plus(MARGIN));
		return result;
	}

	private String columns(String table) {
		return String.join(", ", this.db.queryStrings("SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) "
				+ "|| ' ' || a.attnotnull || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') FROM pg_attribute a "
				+ "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = ?::regclass "
				+ "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", table));
	}

	private List<String> archiveTables() {
		return this.db.queryStrings("SELECT relname FROM pg_class WHERE relnamespace = 'zdm'::regnamespace "
				+ "AND relkind = 'r' AND relname LIKE 'zdm\\_%\\_archive' ORDER BY relname");
	}

	/** Every column, index, constraint, trigger and function of the public and zdm schemas. */
	private String catalog() {
		return this.db.queryStrings("""
				SELECT string_agg(x, '; ' ORDER BY x) FROM (
				  SELECT n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
				         || ' ' || a.attnotnull AS x
				  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				  WHERE n.nspname IN ('public', 'zdm') AND c.relname NOT LIKE 'databasechangelog%'
				    AND a.attnum > 0 AND NOT a.attisdropped
				  UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i
				  JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace IN ('public'::regnamespace, 'zdm'::regnamespace)
				  UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
				  FROM pg_constraint WHERE connamespace IN ('public'::regnamespace, 'zdm'::regnamespace)
				  UNION ALL SELECT 'trigger ' || tgname || ' ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
				  UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace IN ('public'::regnamespace, 'zdm'::regnamespace)
				  UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname LIKE 'zdm%'
				) t""").get(0);
	}

}

package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.operation.VersionSchema;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sync.SyncTrigger;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * No write is lost by the sync: a {@code NULL} written to either column (by an {@code UPDATE}, an upsert or
 * through the version schema's view), rows whose primary key moves while the backfill runs, and writes that
 * skip triggers ({@code session_replication_role = replica}, a disabled trigger) before contract.
 */
@ExtendWith(PostgresExtension.class)
class SyncCorrectnessTests {

	private static final int USERS = 100;

	private final TestDatabase db;

	SyncCorrectnessTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void clean() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS users CASCADE",
				"DROP TABLE IF EXISTS products CASCADE",
				"DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'zdm\\_%' LOOP "
						+ "EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE'; END LOOP; END $$");
	}

	private Orchestrator zdm() {
		return zdm(ZdmSettings.defaults());
	}

	private Orchestrator zdm(ZdmSettings settings) {
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), settings);
		zdm.install();
		return zdm;
	}

	/** {@code users (id int PRIMARY KEY, email text)} with {@code u<id>} in each row, renamed to email_address. */
	private Orchestrator renameUsersEmail(String id, Phase phase) {
		this.db.execute("CREATE TABLE users (id int PRIMARY KEY, email text)",
				"INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, " + USERS + ") g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder(id).renameColumn("users", "email", "email_address").build());
		assertThat(zdm.advanceTo(id, phase).phase()).isEqualTo(phase);
		return zdm;
	}

	/** {@code products (id int PRIMARY KEY, price numeric(10,2))}, price changed to integer cents in place. */
	private Orchestrator changeProductsPrice(String id, Phase phase) {
		this.db.execute("CREATE TABLE products (id int PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO products SELECT g, g FROM generate_series(1, " + USERS + ") g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder(id).changeColumnType("products", "price", "integer", "round(price * 100)::integer",
				"price / 100.0").build());
		assertThat(zdm.advanceTo(id, phase).phase()).isEqualTo(phase);
		return zdm;
	}

	private String email(int id) {
		return this.db.queryStrings("SELECT email_address FROM users WHERE id = ?", id).get(0);
	}

	private long otherUsersChanged(Integer... changed) {
		return this.db.queryLong("SELECT count(*) FROM users WHERE NOT (id = ANY (?)) AND email_address IS DISTINCT FROM "
				+ "'u' || id", (Object) changed);
	}

	// A NULL written to the new column

	@Test
	void nullWrittenToTheNewColumnOfARowNotYetBackfilledIsKept() {
		Orchestrator zdm = renameUsersEmail("null-rename", Phase.EXPANDED);
		// The row's new column is still NULL: the write does not change its value, but it is a write.
		this.db.execute("UPDATE users SET email_address = NULL WHERE id = 1");
		assertThat(this.db.queryStrings("SELECT coalesce(email, 'NULL') FROM users WHERE id = 1")).containsExactly("NULL");

		assertThat(zdm.advanceTo("null-rename", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(email(1)).isNull();
		assertThat(otherUsersChanged(1)).isZero();
	}

	@Test
	void nullWrittenToTheNewColumnByAnUpsertOrMergeIsKept() {
		Orchestrator zdm = renameUsersEmail("null-upsert", Phase.EXPANDED);
		this.db.execute("INSERT INTO users (id, email_address) VALUES (1, NULL) "
				+ "ON CONFLICT (id) DO UPDATE SET email_address = EXCLUDED.email_address",
				"MERGE INTO users USING (SELECT 2 AS id) AS s ON users.id = s.id "
						+ "WHEN MATCHED THEN UPDATE SET email_address = NULL");

		assertThat(zdm.advanceTo("null-upsert", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(email(1)).isNull();
		assertThat(email(2)).isNull();
		assertThat(otherUsersChanged(1, 2)).isZero();
	}

	@Test
	void nullWrittenToTheNewTypedColumnIsNotOverwrittenFromTheOldOne() {
		Orchestrator zdm = changeProductsPrice("null-type", Phase.EXPANDED);
		String view = VersionSchema.name("null-type") + ".products";
		// New code writes through the version schema's view, which shows the new column as "price".
		assertThat(this.db.query("UPDATE " + view + " SET price = NULL WHERE id = 1 RETURNING price"))
			.containsExactly(Collections.singletonList(null));
		assertThat(this.db.query("INSERT INTO products (id, price__zdm) VALUES (2, NULL) ON CONFLICT (id) "
				+ "DO UPDATE SET price__zdm = EXCLUDED.price__zdm RETURNING price__zdm, price"))
			.containsExactly(Arrays.asList(null, null));
		assertThat(this.db.queryStrings("SELECT coalesce(price::text, 'NULL') FROM products WHERE id IN (1, 2) ORDER BY id"))
			.containsExactly("NULL", "NULL");

		assertThat(zdm.advanceTo("null-type", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT coalesce(price::text, 'NULL') FROM products WHERE id <= 3 ORDER BY id"))
			.containsExactly("NULL", "NULL", "300");
	}

	@Test
	void nullWrittenToTheOldColumnAfterSwitchReachesTheNewOne() {
		Orchestrator zdm = changeProductsPrice("null-old", Phase.SWITCHED);
		assertThat(this.db.query("UPDATE products SET price = NULL WHERE id = 1 RETURNING price__zdm"))
			.containsExactly(Collections.singletonList(null));
		Orchestrator rename = renameUsersEmail("null-old-rename", Phase.SWITCHED);
		this.db.execute("UPDATE users SET email = NULL WHERE id = 1");

		assertThat(zdm.advanceTo("null-old", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(rename.advanceTo("null-old-rename", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT coalesce(price::text, 'NULL') FROM products WHERE id <= 2 ORDER BY id"))
			.containsExactly("NULL", "200");
		assertThat(email(1)).isNull();
		assertThat(otherUsersChanged(1)).isZero();
	}

	@Test
	void aWriteThatAssignsBothColumnsKeepsTheOneWhoseValueChanged() {
		Orchestrator zdm = renameUsersEmail("both-sides", Phase.EXPANDED);
		// As an ORM that maps both columns writes every column of an entity, changed or not.
		this.db.execute("UPDATE users SET email = email, email_address = 'orm-1' WHERE id = 1",
				"UPDATE users SET email = email, email_address = email_address WHERE id = 2");
		assertThat(zdm.advanceTo("both-sides", Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		this.db.execute("UPDATE users SET email = 'orm-3', email_address = email_address WHERE id = 3");

		assertThat(zdm.advanceTo("both-sides", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(email(1)).isEqualTo("orm-1");
		assertThat(email(2)).isEqualTo("u2");
		assertThat(email(3)).isEqualTo("orm-3");
		assertThat(otherUsersChanged(1, 3)).isZero();
	}

	@Test
	void aWriteOfTheOldSideThatAssignsTheNewUnchangedLeavesNoMarkForTheNextStatement() throws SQLException {
		renameUsersEmail("mark-cleared", Phase.BACKFILLED);
		String trigger = this.db.queryStrings("SELECT tgname FROM pg_trigger WHERE tgrelid = 'users'::regclass AND "
				+ "tgname LIKE 'zdm\\_%' ORDER BY tgname DESC LIMIT 1").get(0);
		try (Connection connection = this.db.dataSource().getConnection(); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			// The new side's mark trigger records that it was assigned; the old side changed, so the new side is
			// computed, and the main trigger clears the mark all the same.
			statement.execute("UPDATE users SET email = 'fast-5', email_address = email_address WHERE id = 5");
			try (var rs = statement.executeQuery("SELECT coalesce(current_setting('zdm.n_" + trigger + "', true), '')")) {
				rs.next();
				assertThat(rs.getString(1)).isEmpty();
			}
			// A later statement of the transaction that assigns the new side unchanged, and nothing else, on the
			// same row: it is not taken for the first statement's assignment.
			statement.execute("UPDATE users SET email_address = email_address WHERE id = 5");
			connection.commit();
		}
		assertThat(this.db.queryStrings("SELECT email || '|' || email_address FROM users WHERE id = 5"))
			.containsExactly("fast-5|fast-5");
		assertThat(otherUsersChanged(5)).isZero();
	}

	@Test
	void aWriteOfTheNewSideThatAssignsTheOldUnchangedLeavesNoMarkForTheNextStatement() throws SQLException {
		renameUsersEmail("mark-cleared-new", Phase.SWITCHED);
		String trigger = this.db.queryStrings("SELECT tgname FROM pg_trigger WHERE tgrelid = 'users'::regclass AND "
				+ "tgname LIKE 'zdm\\_%' ORDER BY tgname DESC LIMIT 1").get(0);
		try (Connection connection = this.db.dataSource().getConnection(); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			// The old side's mark trigger records that it was assigned; the new side changed, so the old side is
			// computed from it, and the main trigger clears the old side's mark.
			statement.execute("UPDATE users SET email_address = 'fast-6', email = email WHERE id = 6");
			try (var rs = statement.executeQuery("SELECT coalesce(current_setting('zdm.o_" + trigger + "', true), '')")) {
				rs.next();
				assertThat(rs.getString(1)).isEmpty();
			}
			// A later statement that assigns the old side unchanged, and nothing else, on the same row: after switch
			// the new side is authoritative and stays.
			statement.execute("UPDATE users SET email = email WHERE id = 6");
			connection.commit();
		}
		assertThat(this.db.queryStrings("SELECT email || '|' || email_address FROM users WHERE id = 6"))
			.containsExactly("fast-6|fast-6");
		assertThat(otherUsersChanged(6)).isZero();
	}

	@Test
	void marksOnTheMainFunctionAsEarlierVersionsMadeThemAreMovedToTheMarkFunctionAtSwitch() throws SQLException {
		Orchestrator zdm = renameUsersEmail("marks-upgrade", Phase.BACKFILLED);
		String trigger = mainTrigger();
		// Put the triggers in the layout of versions before the mark function: the mark triggers call the main
		// function with 'new' or 'old', and the main function records the mark itself.
		String function = this.db.queryStrings("SELECT t.tgfoid::regprocedure::text FROM pg_trigger t WHERE t.tgrelid = "
				+ "'users'::regclass AND t.tgname = ?", trigger).get(0);
		String source = this.db.queryStrings("SELECT prosrc FROM pg_proc WHERE oid = ?::regprocedure", function).get(0);
		String recordsMarks = "BEGIN\n  IF TG_NARGS > 0 THEN\n    PERFORM set_config(CASE TG_ARGV[0] WHEN 'new' THEN 'zdm.n_"
				+ trigger + "' ELSE 'zdm.o_" + trigger + "' END, OLD.ctid::text, true);\n    RETURN NEW;\n  END IF;\n";
		assertThat(source).contains("\nBEGIN\n").doesNotContain("TG_NARGS");
		String bypass = SyncTrigger.notBypassed(Identifier.of(trigger));
		this.db.execute("CREATE OR REPLACE FUNCTION " + function + " RETURNS trigger LANGUAGE plpgsql AS $old$"
				+ source.replaceFirst("\nBEGIN\n", java.util.regex.Matcher.quoteReplacement("\n" + recordsMarks)) + "$old$");
		for (boolean newSide : new boolean[] { true, false }) {
			String column = newSide ? "email_address" : "email";
			String mark = SyncTrigger.markName(Identifier.of(trigger), newSide).quoted();
			this.db.execute("CREATE OR REPLACE TRIGGER " + mark + " BEFORE UPDATE OF " + column + " ON users FOR EACH ROW "
					+ "WHEN (NEW." + column + " IS NOT DISTINCT FROM OLD." + column + " AND " + bypass + ") EXECUTE FUNCTION "
					+ function.replace("()", "") + "('" + (newSide ? "new" : "old") + "')",
					"ALTER TABLE users ENABLE ALWAYS TRIGGER " + mark);
		}
		this.db.execute("DROP FUNCTION " + function.replace("()", "_mark()"));
		assertThat(markFunctions()).containsOnly(function);

		assertThat(zdm.advance("marks-upgrade").phase()).isEqualTo(Phase.SWITCHED);
		assertThat(markFunctions()).containsOnly(function.replace("()", "_mark()"));
		assertThat(this.db.queryStrings("SELECT tgenabled::text FROM pg_trigger WHERE tgrelid = 'users'::regclass "
				+ "AND tgname LIKE 'zdm\\_%'")).containsExactly("A", "A", "A");
		// A row out of step (written with the triggers bypassed), then old code assigns the old column unchanged: a
		// write of the old side alone, which the new side takes. Without the mark, the new side, authoritative after
		// switch, would overwrite what old code wrote.
		try (Connection connection = this.db.dataSource().getConnection(); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			statement.execute("SET LOCAL " + SyncTrigger.bypassSetting(Identifier.of(trigger)) + " = on");
			statement.execute("UPDATE users SET email_address = 'stale-7' WHERE id = 7");
			connection.commit();
		}
		this.db.execute("UPDATE users SET email = email WHERE id = 7");
		assertThat(this.db.queryStrings("SELECT email || '|' || email_address FROM users WHERE id = 7"))
			.containsExactly("u7|u7");
		assertThat(zdm.advanceTo("marks-upgrade", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT count(*)::text FROM pg_proc WHERE proname LIKE 'zdm\\_marks\\_upgrade%'"))
			.containsExactly("0");
		assertThat(otherUsersChanged()).isZero();
	}

	@Test
	void theSwitchOfAMigrationExpandedWithTheMarkFunctionLeavesTheTriggersAlone() {
		Orchestrator zdm = renameUsersEmail("marks-current", Phase.BACKFILLED);
		String triggers = "SELECT string_agg(tgname || ':' || xmin::text || ':' || tgfoid::regproc::text, ',' ORDER BY tgname) "
				+ "FROM pg_trigger WHERE tgrelid = 'users'::regclass AND tgname LIKE 'zdm\\_%'";
		List<String> before = this.db.queryStrings(triggers);
		assertThat(markFunctions()).hasSize(1).allMatch((function) -> function.endsWith("_mark()"));

		assertThat(zdm.advance("marks-current").phase()).isEqualTo(Phase.SWITCHED);
		// No trigger made again: the switch takes no lock on the table for them.
		assertThat(this.db.queryStrings(triggers)).isEqualTo(before);
	}

	/** The main sync trigger of {@code users}. */
	private String mainTrigger() {
		return this.db.queryStrings("SELECT tgname FROM pg_trigger WHERE tgrelid = 'users'::regclass AND "
				+ "tgname LIKE 'zdm\\_%' ORDER BY tgname DESC LIMIT 1").get(0);
	}

	/** The functions the mark triggers of {@code users} call. */
	private Set<String> markFunctions() {
		return new HashSet<>(this.db.queryStrings("SELECT tgfoid::regprocedure::text FROM pg_trigger WHERE "
				+ "tgrelid = 'users'::regclass AND tgname ~ '^zdm_.*_0[0-9]+_(new|old)$'"));
	}

	// Rows whose key moves during the backfill

	@RepeatedTest(3)
	void rowsWhoseKeyMovesWhileTheBackfillRunsAreCopied() throws Exception {
		int rows = 20_000;
		int block = 50;
		// One far key spreads the key space over several backfill ranges: keys that move below the lowest
		// key seen when the ranges were planned must still fall in the first one.
		this.db.execute("CREATE TABLE users (id int PRIMARY KEY, email text)",
				"INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, " + rows + ") g",
				"INSERT INTO users VALUES (1000000, 'u1000000')");
		Orchestrator zdm = zdm(ZdmSettings.defaults()
			.withBackfill(BackfillSettings.defaults().withBatchSizes(200, 200, 200).withPause(Duration.ofMillis(5))));
		zdm.start(Plan.builder("moving-keys").renameColumn("users", "email", "email_address").build());
		zdm.advanceTo("moving-keys", Phase.EXPANDED);

		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger flips = new AtomicInteger();
		List<String> errors = Collections.synchronizedList(new ArrayList<>());
		List<Thread> sessions = new ArrayList<>();
		for (int s = 0; s < 2; s++) {
			int session = s;
			Thread thread = new Thread(() -> {
				try (Connection connection = this.db.dataSource().getConnection();
						Statement statement = connection.createStatement()) {
					while (!stop.get()) {
						// Each session owns every other block of keys and moves a block to the other sign.
						int blocks = rows / block / 2;
						int lo = (2 * ThreadLocalRandom.current().nextInt(blocks) + session) * block + 1;
						int hi = lo + block - 1;
						try {
							statement.execute("UPDATE users SET id = -id WHERE id BETWEEN " + lo + " AND " + hi
									+ " OR id BETWEEN " + -hi + " AND " + -lo);
							flips.incrementAndGet();
						}
						catch (SQLException ex) {
							if (!"40P01".equals(ex.getSQLState())) {
								errors.add(ex.getMessage());
							}
						}
					}
				}
				catch (SQLException ex) {
					errors.add(ex.getMessage());
				}
			});
			thread.start();
			sessions.add(thread);
		}
		MigrationStatus backfilled;
		try {
			await().until(() -> flips.get() > 10);
			int before = flips.get();
			backfilled = zdm.advance("moving-keys");
			assertThat(flips.get()).as("keys moved while the backfill ran").isGreaterThan(before);
		}
		finally {
			stop.set(true);
			for (Thread thread : sessions) {
				thread.join();
			}
		}
		assertThat(errors).isEmpty();
		assertThat(backfilled.phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_backfill_range")).isGreaterThan(1);
		this.db.execute("UPDATE users SET id = -id WHERE id < 0");

		assertThat(zdm.advanceTo("moving-keys", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT count(*) FROM users")).isEqualTo(rows + 1);
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE (id BETWEEN 1 AND " + rows
				+ " OR id = 1000000) AND email_address = 'u' || id")).isEqualTo(rows + 1);
	}

	// Writes that skip triggers

	@Test
	void writesUnderReplicationRoleAreSynced() {
		Orchestrator zdm = renameUsersEmail("replica", Phase.BACKFILLED);
		// As logical replication's apply worker (or an ETL tool) writes.
		this.db.execute("SET session_replication_role = replica", "UPDATE users SET email = 'replica-1' WHERE id = 1",
				"INSERT INTO users (id, email) VALUES (1001, 'replica-insert')");
		assertThat(zdm.advanceTo("replica", Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		this.db.execute("SET session_replication_role = replica",
				"UPDATE users SET email_address = 'replica-2' WHERE id = 2");
		assertThat(this.db.queryStrings("SELECT email FROM users WHERE id = 2")).containsExactly("replica-2");

		assertThat(zdm.advanceTo("replica", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(email(1)).isEqualTo("replica-1");
		assertThat(email(2)).isEqualTo("replica-2");
		assertThat(email(1001)).isEqualTo("replica-insert");
		assertThat(otherUsersChanged(1, 2, 1001)).isZero();
	}

	@Test
	void contractIsRefusedWhileARowDiffersAndSucceedsOnceItIsResynced() {
		Orchestrator zdm = renameUsersEmail("late-write", Phase.SWITCHED);
		this.db.execute("ALTER TABLE users DISABLE TRIGGER zdm_late_write_1",
				"UPDATE users SET email = 'late-5' WHERE id = 5", "UPDATE users SET email = 'late-7' WHERE id = 7");

		assertThatThrownBy(() -> zdm.advance("late-write")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("Migration late-write")
			.hasMessageContaining("2 rows of public.users")
			.hasMessageContaining("(5), (7)")
			.hasMessageContaining("zdm_late_write_1 is disabled")
			.hasMessageContaining("session_replication_role")
			.hasMessageContaining("ALTER TABLE \"public\".\"users\" ENABLE ALWAYS TRIGGER \"zdm_late_write_1\"")
			.hasMessageContaining("UPDATE \"public\".\"users\" SET \"email\" = \"email\"")
			.hasMessageContaining("roll the migration back");
		assertThat(zdm.status("late-write").phase()).isEqualTo(Phase.SWITCHED);
		assertThat(LifecycleUnderLoadTests.columns(this.db, "users")).containsExactly("id", "email", "email_address");
		assertThat(this.db.queryStrings("SELECT email FROM users WHERE id IN (5, 7) ORDER BY id"))
			.containsExactly("late-5", "late-7");

		this.db.execute("ALTER TABLE users ENABLE ALWAYS TRIGGER zdm_late_write_1",
				"UPDATE users SET email = email WHERE id IN (5, 7)");
		assertThat(zdm.advance("late-write").phase()).isEqualTo(Phase.COMPLETED);
		assertThat(email(5)).isEqualTo("late-5");
		assertThat(email(7)).isEqualTo("late-7");
		assertThat(otherUsersChanged(5, 7)).isZero();
	}

	@Test
	void contractIsRefusedWhileTheSyncTriggerIsDisabled() {
		Orchestrator zdm = renameUsersEmail("disabled", Phase.SWITCHED);
		this.db.execute("ALTER TABLE users DISABLE TRIGGER zdm_disabled_1");

		assertThatThrownBy(() -> zdm.advance("disabled")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("Migration disabled")
			.hasMessageContaining("zdm_disabled_1")
			.hasMessageContaining("ENABLE ALWAYS TRIGGER");
		assertThat(zdm.status("disabled").phase()).isEqualTo(Phase.SWITCHED);
		assertThat(LifecycleUnderLoadTests.columns(this.db, "users")).containsExactly("id", "email", "email_address");

		this.db.execute("ALTER TABLE users ENABLE ALWAYS TRIGGER zdm_disabled_1");
		assertThat(zdm.advance("disabled").phase()).isEqualTo(Phase.COMPLETED);
		assertThat(otherUsersChanged()).isZero();
	}

	@Test
	void theContractTransactionRefusesATriggerDisabledAfterVerification() {
		this.db.execute("CREATE TABLE users (id int PRIMARY KEY, email text)",
				"INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, " + USERS + ") g");
		MigrationListener disableAtContract = new MigrationListener() {
			@Override
			public void phaseChanged(String migrationId, Phase from, Phase to) {
				if (to == Phase.CONTRACTING) {
					SyncCorrectnessTests.this.db.execute("ALTER TABLE users DISABLE TRIGGER zdm_racing_1");
				}
			}
		};
		Orchestrator zdm = zdm(ZdmSettings.defaults().withListener(disableAtContract));
		zdm.start(Plan.builder("racing").renameColumn("users", "email", "email_address").build());
		zdm.advanceTo("racing", Phase.SWITCHED);

		assertThatThrownBy(() -> zdm.advance("racing")).hasMessageContaining("zdm_racing_1 is disabled");
		assertThat(zdm.status("racing").phase()).isEqualTo(Phase.CONTRACTING);
		assertThat(LifecycleUnderLoadTests.columns(this.db, "users")).containsExactly("id", "email", "email_address");

		this.db.execute("ALTER TABLE users ENABLE ALWAYS TRIGGER zdm_racing_1");
		assertThat(zdm.advance("racing").phase()).isEqualTo(Phase.COMPLETED);
		assertThat(otherUsersChanged()).isZero();
	}

}

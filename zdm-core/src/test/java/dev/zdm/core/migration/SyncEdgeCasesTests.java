package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.zdm.core.plan.ChangeColumnType;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Edge cases of sync, verification and contract: expressions reading other columns, NULLs, other DDL on
 * the table while the migration runs, several operations on one table, injection through expressions.
 */
@ExtendWith(PostgresExtension.class)
class SyncEdgeCasesTests {

	private final TestDatabase db;

	SyncEdgeCasesTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void clean() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS t CASCADE", "DROP TABLE IF EXISTS pwned",
				"DROP TABLE IF EXISTS codes", "DROP SCHEMA IF EXISTS app CASCADE",
				"DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'zdm\\_%' LOOP "
						+ "EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE'; END LOOP; END $$");
	}

	private Orchestrator zdm() {
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults());
		zdm.install();
		return zdm;
	}

	@Test
	void upReadingAnotherColumnFollowsUpdatesOfThatColumn() {
		this.db.execute("CREATE TABLE t (id int PRIMARY KEY, amount numeric(10,2) NOT NULL, scale int NOT NULL)",
				"INSERT INTO t SELECT g, g, 100 FROM generate_series(1, 100) g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("cents").changeColumnType("t", "amount", "bigint", "round(amount * scale)::bigint",
				"amount_minor / scale::numeric", "amount_minor").build());
		zdm.advanceTo("cents", Phase.BACKFILLED);
		this.db.execute("UPDATE t SET scale = 1000 WHERE id = 1");
		zdm.advanceTo("cents", Phase.SWITCHED);
		// After switch the new column is authoritative: the old one follows it through 'down'.
		this.db.execute("UPDATE t SET scale = 10 WHERE id = 2");
		assertThat(this.db.queryStrings("SELECT amount::text FROM t WHERE id = 2")).containsExactly("20.00");
		zdm.advanceTo("cents", Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT amount_minor FROM t WHERE id = 1")).isEqualTo(1000);
	}

	@Test
	void aNameBothTheRowsAndASubSelectsTableHasMeansTheSubSelectsColumnInTheTriggerAsInTheBackfill() {
		// 'label' is a column of t and of codes: inside the sub-select it is codes.label, over the table and in the
		// trigger alike; 'code' is t's only.
		this.db.execute("CREATE TABLE codes (key text PRIMARY KEY, label text NOT NULL)",
				"INSERT INTO codes VALUES ('a', 'Alpha'), ('b', 'Beta'), ('c', 'Gamma')",
				"CREATE TABLE t (id int PRIMARY KEY, code text, label text)",
				"INSERT INTO t SELECT g, CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END, 'row label' FROM generate_series(1, 100) g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("labels").changeColumnType("t", "code", "text",
				"(SELECT upper(label) FROM codes WHERE key = code)",
				"(SELECT key FROM codes WHERE upper(label) = code_label)", "code_label").build());
		zdm.advanceTo("labels", Phase.BACKFILLED);
		this.db.execute("INSERT INTO t (id, code, label) VALUES (101, 'c', 'row label')",
				"UPDATE t SET code = 'a' WHERE id = 1");
		assertThat(this.db.queryStrings("SELECT code_label FROM t WHERE id IN (1, 2, 3, 101) ORDER BY id"))
			.containsExactly("ALPHA", "ALPHA", "BETA", "GAMMA");
		zdm.advanceTo("labels", Phase.SWITCHED);
		this.db.execute("UPDATE t SET code_label = 'BETA' WHERE id = 2");
		assertThat(this.db.queryStrings("SELECT code FROM t WHERE id = 2")).containsExactly("b");
		assertThat(zdm.advanceTo("labels", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void upReadingAColumnOfATypeOutsideTheSearchPathWorksInTheTrigger() {
		this.db.execute("CREATE SCHEMA app", "CREATE TYPE app.mood AS ENUM ('calm', 'happy')",
				"CREATE TABLE t (id int PRIMARY KEY, score int NOT NULL, mood app.mood NOT NULL)",
				"INSERT INTO t SELECT g, g, CASE WHEN g % 2 = 0 THEN 'happy' ELSE 'calm' END::app.mood "
						+ "FROM generate_series(1, 100) g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("scores").changeColumnType("t", "score", "bigint",
				"(CASE WHEN mood = 'happy' THEN score * 2 ELSE score END)::bigint",
				"(CASE WHEN mood = 'happy' THEN score_x / 2 ELSE score_x END)::int", "score_x").build());
		zdm.advanceTo("scores", Phase.BACKFILLED);
		this.db.execute("UPDATE t SET score = 50 WHERE id = 2", "UPDATE t SET mood = 'calm' WHERE id = 4",
				"INSERT INTO t (id, score, mood) VALUES (101, 7, 'happy')");
		assertThat(this.db.queryStrings("SELECT score_x::text FROM t WHERE id IN (1, 2, 4, 101) ORDER BY id"))
			.containsExactly("1", "100", "4", "14");
		assertThat(zdm.advanceTo("scores", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void columnsNamedLikeTheTriggersOwnVariablesAreTheRowsColumns() {
		// 'found' and 'new' are also PL/pgSQL's names inside the trigger: the expressions still read the row's columns.
		this.db.execute("CREATE TABLE t (id int PRIMARY KEY, found int, new int)",
				"INSERT INTO t SELECT g, g, 1 FROM generate_series(1, 100) g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("found").changeColumnType("t", "found", "bigint", "(found * 10 + new)::bigint",
				"((found_x - 1) / 10)::int", "found_x").build());
		zdm.advanceTo("found", Phase.BACKFILLED);
		this.db.execute("UPDATE t SET found = 7 WHERE id = 1", "INSERT INTO t (id, found, new) VALUES (101, 3, 1)");
		assertThat(this.db.queryStrings("SELECT found_x::text FROM t WHERE id IN (1, 2, 101) ORDER BY id"))
			.containsExactly("71", "21", "31");
		zdm.advanceTo("found", Phase.SWITCHED);
		this.db.execute("UPDATE t SET found_x = 51 WHERE id = 2");
		assertThat(this.db.queryStrings("SELECT found::text FROM t WHERE id = 2")).containsExactly("5");
		assertThat(zdm.advanceTo("found", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void onlyUpdatesOfEitherSideTheKeyOrAColumnUpReadsFireTheSyncTrigger() {
		this.db.execute("CREATE TABLE t (id int PRIMARY KEY, amount numeric(10,2) NOT NULL, scale int NOT NULL, note text)",
				"INSERT INTO t SELECT g, g, 100, 'n' FROM generate_series(1, 10) g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("minor").changeColumnType("t", "amount", "bigint", "round(amount * scale)::bigint",
				"amount_minor / 100.0", "amount_minor").build());
		zdm.advanceTo("minor", Phase.EXPANDED);
		String added = this.db.queryStrings("SELECT attname::text FROM pg_attribute WHERE attrelid = 't'::regclass "
				+ "AND attnum > 0 AND NOT attisdropped AND attname NOT IN ('id', 'amount', 'scale', 'note')").get(0);
		// Not backfilled yet, so the new column is NULL until something computes it. An update of a column that
		// neither side, the key nor 'up' names leaves zdm's trigger alone (UPDATE OF): it costs the write nothing.
		this.db.execute("UPDATE t SET note = 'm' WHERE id = 1");
		assertThat(this.db.queryLong("SELECT count(*) FROM t WHERE id = 1 AND \"" + added + "\" IS NULL")).isOne();
		// An update of the key (the row may move behind the backfill's cursor), of a column 'up' reads, or of the
		// old column fires it.
		this.db.execute("UPDATE t SET id = 100 WHERE id = 2", "UPDATE t SET scale = 1000 WHERE id = 3",
				"UPDATE t SET amount = amount WHERE id = 4");
		assertThat(this.db.queryStrings("SELECT id || '=' || \"" + added + "\" FROM t WHERE id IN (100, 3, 4) ORDER BY id"))
			.containsExactly("3=3000", "4=400", "100=200");
		zdm.advanceTo("minor", Phase.COMPLETED);
		// The backfill computed the rest: every row holds amount * scale in minor units.
		assertThat(this.db.queryStrings("SELECT string_agg(id || '=' || amount_minor, ',' ORDER BY id) FROM t"))
			.containsExactly("1=100,3=3000,4=400,5=500,6=600,7=700,8=800,9=900,10=1000,100=200");
	}

	@Test
	void insertThatSetsNeitherSideAppliesUpToNull() {
		this.db.execute("CREATE TABLE t (id int PRIMARY KEY, qty numeric)", "INSERT INTO t VALUES (1, NULL)");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("qty").changeColumnType("t", "qty", "integer", "coalesce(qty, 0)::integer", "qty_int",
				"qty_int").build());
		zdm.advanceTo("qty", Phase.BACKFILLED);
		this.db.execute("INSERT INTO t VALUES (2, NULL)");
		zdm.advanceTo("qty", Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT coalesce(qty_int::text, 'NULL') FROM t ORDER BY id")).containsExactly("0", "0");
	}

	@Test
	void nullFromUpOnANotNullColumnFailsVerificationWhileRollbackIsPossible() {
		this.db.execute("CREATE TABLE t (id int PRIMARY KEY, status text NOT NULL)",
				"INSERT INTO t SELECT g, CASE WHEN g = 50 THEN 'archived' WHEN g % 2 = 0 THEN 'active' ELSE 'inactive' END "
						+ "FROM generate_series(1, 100) g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("status-code").changeColumnType("t", "status", "smallint",
				"CASE status WHEN 'active' THEN 1 WHEN 'inactive' THEN 2 END",
				"CASE status_code WHEN 1 THEN 'active' WHEN 2 THEN 'inactive' END", "status_code").build());
		zdm.advance("status-code");
		assertThatThrownBy(() -> zdm.advance("status-code")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("found 1 rows whose new value is NULL although the column is NOT NULL");
		assertThat(zdm.status("status-code").phase()).isEqualTo(Phase.BACKFILLING);
		assertThat(zdm.rollback("status-code").phase()).isEqualTo(Phase.ROLLED_BACK);
	}

	@Test
	void aFailingValidationAtContractLeavesTheMigrationSwitchedAndRollbackPossible() {
		this.db.execute("CREATE TABLE t (id int PRIMARY KEY, status text NOT NULL)",
				"INSERT INTO t SELECT g, 'active' FROM generate_series(1, 10) g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("status-code").changeColumnType("t", "status", "smallint",
				"CASE status WHEN 'active' THEN 1 END", "CASE status_code WHEN 1 THEN 'active' END", "status_code").build());
		zdm.advanceTo("status-code", Phase.BACKFILLED);
		// A row out of step that verification did not see (written behind the trigger's back after it ran);
		// the NOT VALID check added at switch does not look at existing rows.
		this.db.execute("ALTER TABLE t DISABLE TRIGGER USER", "UPDATE t SET status_code = NULL WHERE id = 3",
				"ALTER TABLE t ENABLE TRIGGER USER");
		zdm.advanceTo("status-code", Phase.SWITCHED);
		assertThatThrownBy(() -> zdm.advance("status-code")).hasMessageContaining("is violated by some row");
		assertThat(zdm.status("status-code").phase()).isEqualTo(Phase.SWITCHED);
		assertThat(zdm.rollback("status-code").phase()).isEqualTo(Phase.ROLLED_BACK);
	}

	@Test
	void otherDdlOnTheTableDuringTheMigrationDoesNotBreakWrites() {
		this.db.execute("CREATE TABLE t (id int PRIMARY KEY, price numeric(10,2), legacy_note text)",
				"INSERT INTO t SELECT g, g FROM generate_series(1, 10) g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("price").changeColumnType("t", "price", "integer", "round(price * 100)::integer",
				"price_cents / 100.0", "price_cents").build());
		zdm.advanceTo("price", Phase.EXPANDED);
		this.db.execute("ALTER TABLE t RENAME COLUMN legacy_note TO note", "ALTER TABLE t ADD COLUMN extra int");
		this.db.execute("INSERT INTO t (id, price) VALUES (1000, 1.5)", "UPDATE t SET note = 'n' WHERE id = 1");
		assertThat(this.db.queryLong("SELECT price_cents FROM t WHERE id = 1000")).isEqualTo(150);
		assertThat(zdm.advanceTo("price", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void writesKeepWorkingWhileOneOfTwoOperationsOnATableHasContracted() {
		this.db.execute("CREATE TABLE t (id int PRIMARY KEY, a text, b numeric(10,2) NOT NULL)",
				"INSERT INTO t SELECT g, 'a', g FROM generate_series(1, 200000) g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("two-ops").renameColumn("t", "a", "a2")
			.changeColumnType("t", "b", "integer", "round(b * 100)::integer", "b_cents / 100.0", "b_cents")
			.build());
		assertThat(zdm.advanceTo("two-ops", Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		AtomicBoolean stop = new AtomicBoolean();
		List<String> errors = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger ok = new AtomicInteger();
		Thread writer = new Thread(() -> {
			int id = 0;
			while (!stop.get()) {
				// A fresh session per write, as a pool opening new connections would: no cached plans.
				try (Connection c = this.db.dataSource().getConnection(); Statement st = c.createStatement()) {
					st.execute("UPDATE t SET b_cents = b_cents + 1 WHERE id = " + (1 + (id++ % 1000)));
					ok.incrementAndGet();
				}
				catch (SQLException ex) {
					errors.add(ex.getMessage().split("\n")[0]);
				}
			}
		});
		writer.start();
		await().until(() -> ok.get() > 5);
		assertThat(zdm.advance("two-ops").phase()).isEqualTo(Phase.COMPLETED);
		int after = ok.get();
		await().until(() -> ok.get() > after + 5);
		stop.set(true);
		try {
			writer.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		assertThat(errors).isEmpty();
	}

	@Test
	void anIndexOverTwoChangedColumnsIsRefusedBeforeAnyDdl() {
		this.db.execute("CREATE TABLE t (id int PRIMARY KEY, a text, b text)", "CREATE INDEX t_a_b ON t (a, b)");
		Orchestrator zdm = zdm();
		assertThatThrownBy(() -> zdm.start(Plan.builder("two").renameColumn("t", "a", "a2").renameColumn("t", "b", "b2")
			.build())).hasMessageContaining("operation 2 (renameColumn): index t_a_b covers columns changed by operations 1 and 2");
		assertThat(LifecycleUnderLoadTests.columns(this.db, "t")).containsExactly("id", "a", "b");
	}

	@Test
	void indexCopyKeepsTypeNamesThatMatchTheColumn() {
		this.db.execute("CREATE TABLE t (id int PRIMARY KEY, date date)",
				"CREATE INDEX t_recent ON t (date) WHERE date >= '2024-01-01'::date",
				"INSERT INTO t SELECT g, DATE '2024-01-01' + g FROM generate_series(1, 10) g");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("day").renameColumn("t", "date", "day").build());
		assertThat(zdm.advanceTo("day", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT indexdef FROM pg_indexes WHERE indexname = 't_recent'")).containsExactly(
				"CREATE INDEX t_recent ON public.t USING btree (day) WHERE (day >= '2024-01-01'::date)");
	}

	@Test
	void statementsHiddenBehindIdentifiersWithDollarsOrEscapedQuotesAreRefused() {
		assertThatThrownBy(() -> new ChangeColumnType(QualifiedName.parse("t"), Identifier.of("price"), "integer",
				"(SELECT 1 AS x$a$)) AS integer) FROM t; COMMIT; CREATE TABLE pwned (); SELECT CAST(((SELECT 1 AS y$a$)",
				"price / 100.0", null, null)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new ChangeColumnType(QualifiedName.parse("t"), Identifier.of("price"), "integer",
				"E'\\''; CREATE TABLE pwned (); SELECT '", "price / 100.0", null, null))
			.hasMessageContaining("';' is not allowed");
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'pwned'")).isZero();
	}

	@Test
	void expressionsContainingTheTriggersDollarTagStillMakeAWorkingTrigger() {
		this.db.execute("CREATE TABLE t (id int PRIMARY KEY, label text)", "INSERT INTO t VALUES (1, 'x')");
		Orchestrator zdm = zdm();
		zdm.start(Plan.builder("label").changeColumnType("t", "label", "text", "label || $zdm_sync$!$zdm_sync$",
				"rtrim(label_v2, '!')", "label_v2").build());
		zdm.advanceTo("label", Phase.EXPANDED);
		this.db.execute("INSERT INTO t (id, label) VALUES (2, 'y')");
		assertThat(this.db.queryStrings("SELECT label_v2 FROM t WHERE id = 2")).containsExactly("y!");
	}

}

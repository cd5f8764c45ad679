package dev.zdm.core.operation;

import java.util.List;

import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.core.plan.PlanProblem;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code setNotNull}, {@code setDefault}, {@code dropDefault} and {@code addColumn}: bad input is refused
 * before any DDL with the plan, the operation and the fix, leaving the catalog as it was; NULLs are filled or
 * reported with their keys; defaults come back exactly on rollback.
 */
@ExtendWith(PostgresExtension.class)
class ColumnOperationsTests {

	private final TestDatabase db;

	private Orchestrator zdm;

	ColumnOperationsTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void setUp() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS users, nokey, gen CASCADE",
				"DROP FUNCTION IF EXISTS audit_users() CASCADE",
				"CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, status text DEFAULT 'new', "
						+ "score integer, \"Order Date\" date)",
				"INSERT INTO users SELECT g, 'u' || g || '@x', CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END, g, "
						+ "date '2020-01-01' + g FROM generate_series(1, 50) g",
				"CREATE TABLE nokey (a integer, b integer)",
				"CREATE TABLE gen (id bigint PRIMARY KEY, n bigint GENERATED ALWAYS AS IDENTITY, "
						+ "g bigint GENERATED ALWAYS AS (id * 2) STORED)");
		this.zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults());
		this.zdm.install();
	}

	// ---- reading the plan ----

	@Test
	void argumentsAreReadWithTheirLines() {
		assertThatThrownBy(() -> new PlanLoader().load("""
				id: bad-args
				operations:
				  - setNotNull: {table: users, fill: "0"}
				  - setDefault: {table: users, column: score}
				  - dropDefault: {table: users, column: score, default: "1"}
				  - addColumn: {table: users, column: level, type: integer, notNull: maybe}
				""", "args.yaml")).isInstanceOfSatisfying(PlanException.class, (ex) -> assertThat(ex.problems())
			.extracting(PlanProblem::toString)
			.containsExactly("args.yaml:3:17: operation 1 (setNotNull): 'column' is required",
					"args.yaml:4:17: operation 2 (setDefault): 'default' is required",
					"args.yaml:5:48: operation 3 (dropDefault): unknown key 'default': expected one of column, table",
					"args.yaml:6:70: operation 4 (addColumn): 'notNull' must be true or false"));
	}

	// ---- setNotNull ----

	@Test
	void setNotNullRefusesWhatItCannotDo() {
		assertRefused("""
				id: bad-nn-column
				operations:
				  - setNotNull: {table: users, column: scroe}
				""", "table public.users has no column \"scroe\". Known columns: id, email, status, score, Order Date.");
		assertRefused("""
				id: bad-nn-already
				operations:
				  - setNotNull: {table: users, column: email}
				""", "column \"email\" of public.users is already NOT NULL: nothing to do. Remove this operation.");
		assertRefused("""
				id: bad-nn-fill
				operations:
				  - setNotNull: {table: users, column: score, fill: "nope + 1"}
				""", "'fill' does not give a integer from the row of public.users (columns: id, email, status, score, "
				+ "Order Date): ERROR: column \"nope\" does not exist");
		assertRefused("""
				id: bad-nn-fill-aggregate
				operations:
				  - setNotNull: {table: users, column: score, fill: "max(id)"}
				""", "'fill' cannot be assigned to column \"score\" of public.users: ERROR: aggregate functions are not "
				+ "allowed in UPDATE");
		assertRefused("""
				id: bad-nn-nokey
				operations:
				  - setNotNull: {table: nokey, column: a, fill: "0"}
				""", "table public.nokey has no primary key; zdm writes 'fill' in batches over the primary key");
		assertRefused("""
				id: bad-nn-twice
				operations:
				  - setNotNull: {table: users, column: score}
				  - setNotNull: {table: users, column: score, fill: "0"}
				""", "column \"score\" of public.users is already changed by an earlier operation of this plan");
		this.db.execute("CREATE FUNCTION audit_users() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
				"CREATE TRIGGER users_audit BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION audit_users()",
				"ALTER TABLE users ENABLE ALWAYS TRIGGER users_audit");
		assertRefused("""
				id: bad-nn-trigger
				operations:
				  - setNotNull: {table: users, column: score, fill: "0"}
				""", "the backfill updates every row of public.users with session_replication_role = replica, so that the "
				+ "table's triggers do not fire for it, but trigger users_audit (function audit_users()) fires even "
				+ "then");
	}

	@Test
	void setNotNullFillsTheNullsAndNewWritesCannotStoreNull() {
		this.db.execute("UPDATE users SET score = NULL WHERE id % 5 = 0");
		Plan plan = Plan.builder("users-score-nn").setNotNull("users", "score", "-id").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertThatThrownBy(() -> this.db.execute("INSERT INTO users (id, email, score) VALUES (100, 'x', NULL)"))
			.hasMessageContaining("violates check constraint \"zdm_users_score_nn_1_nn\"");
		// A row the backfill has not reached yet can still be updated: zdm's trigger fills it.
		this.db.execute("UPDATE users SET email = 'five@x' WHERE id = 5");
		assertThat(this.db.queryStrings("SELECT score::text FROM users WHERE id = 5")).containsExactly("-5");
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'users'::regclass "
				+ "AND attname = 'score'")).containsExactly("true");
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = 'users'::regclass "
				+ "AND contype = 'c'")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE score = CASE WHEN id % 5 = 0 THEN -id ELSE id END"))
			.isEqualTo(50);
	}

	@Test
	void rowsStillNullAreCountedWithTheirKeysBeforeValidateAndRollbackDropsTheCheck() {
		this.db.execute("UPDATE users SET score = NULL WHERE id IN (4, 8, 15)");
		String before = catalog();
		Plan plan = new PlanLoader().load("""
				id: users-score-nn
				operations:
				  - setNotNull: {table: users, column: score}
				""", "p.yaml");
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThatThrownBy(() -> this.zdm.advance(plan.id()))
			.hasMessageContaining("users-score-nn operation 1 (setNotNull)")
			.hasMessageContaining("3 rows of public.users hold NULL in column \"score\", which users-score-nn "
					+ "operation 1 (setNotNull) makes NOT NULL, for example the rows with (id) = (4), (8), (15). Set a "
					+ "value in those rows (or give 'fill' in a new plan), then advance again; or roll the migration back.");
		assertThat(this.zdm.status(plan.id()).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(this.zdm.rollback(plan.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(before);
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE score IS NULL")).isEqualTo(3);
	}

	// ---- setDefault, dropDefault ----

	@Test
	void setDefaultAndDropDefaultRefuseWhatTheyCannotDo() {
		assertRefused("""
				id: bad-default-column
				operations:
				  - setDefault: {table: users, column: scroe, default: "0"}
				""", "table public.users has no column \"scroe\". Known columns: id, email, status, score, Order Date.");
		assertRefused("""
				id: bad-default-type
				operations:
				  - setDefault: {table: users, column: score, default: "'many'"}
				""", "'default' cannot be the default of a integer column: ERROR: invalid input syntax for type integer: "
				+ "\"many\". A default is a constant, or an expression of constants and functions (no column, no "
				+ "subquery): give one that is.");
		assertRefused("""
				id: bad-default-column-reference
				operations:
				  - setDefault: {table: users, column: score, default: "id + 1"}
				""", "'default' cannot be the default of a integer column: ERROR: cannot use column reference in DEFAULT "
				+ "expression");
		assertRefused("""
				id: bad-default-identity
				operations:
				  - setDefault: {table: gen, column: n, default: "0"}
				""", "column \"n\" of public.gen is an identity column, whose values PostgreSQL computes: it has no "
				+ "default to set or drop.");
		assertRefused("""
				id: bad-default-generated
				operations:
				  - dropDefault: {table: gen, column: g}
				""", "column \"g\" of public.gen is a generated column");
		assertRefused("""
				id: bad-default-none
				operations:
				  - dropDefault: {table: users, column: score}
				""", "column \"score\" of public.users has no default: nothing to drop. Remove this operation.");
	}

	@Test
	void setDefaultAppliesFromExpandAndRollbackRestoresThePreviousDefaultExactly() {
		this.db.execute("ALTER TABLE users ALTER COLUMN status SET DEFAULT ('n' || (now() + interval '1 day')::date::text)");
		String before = catalog();
		Plan plan = Plan.builder("users-status-default").setDefault("users", "status", "'fresh'")
			.setDefault("users", "score", "10")
			.build();
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		this.db.execute("INSERT INTO users (id, email) VALUES (100, 'new@x')");
		assertThat(this.db.queryStrings("SELECT status || ' ' || score FROM users WHERE id = 100"))
			.containsExactly("fresh 10");
		assertThat(this.zdm.rollback(plan.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(before);
		assertThat(this.db.queryStrings("SELECT status || ' ' || score FROM users WHERE id = 100"))
			.containsExactly("fresh 10");
	}

	@Test
	void dropDefaultKeepsTheDefaultForOldCodeUntilContract() {
		Plan plan = Plan.builder("users-status-no-default").dropDefault("users", "status").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		this.db.execute("INSERT INTO users (id, email) VALUES (100, 'new@x')");
		assertThat(this.db.queryStrings("SELECT status FROM users WHERE id = 100")).containsExactly("new");
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.COMPLETED);
		this.db.execute("INSERT INTO users (id, email) VALUES (101, 'newer@x')");
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE id = 101 AND status IS NULL")).isEqualTo(1);
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_attrdef WHERE adrelid = 'users'::regclass")).isZero();
	}

	// ---- dropNotNull ----

	@Test
	void dropNotNullRefusesWhatItCannotDo() {
		assertRefused("""
				id: bad-drop-not-null-column
				operations:
				  - dropNotNull: {table: users, column: mail}
				""", "table public.users has no column \"mail\". Known columns: id, email, status, score, Order Date.");
		assertRefused("""
				id: bad-drop-not-null-nullable
				operations:
				  - dropNotNull: {table: users, column: score}
				""", "column \"score\" of public.users already allows NULL: there is nothing to drop. Remove the operation.");
		assertRefused("""
				id: bad-drop-not-null-key
				operations:
				  - dropNotNull: {table: users, column: id}
				""", "column \"id\" is part of the primary key of public.users, which PostgreSQL keeps NOT NULL: drop or "
				+ "change the primary key first.");
		assertRefused("""
				id: bad-drop-not-null-identity
				operations:
				  - dropNotNull: {table: gen, column: n}
				""", "column \"n\" of public.gen is an identity column, which PostgreSQL keeps NOT NULL: remove its "
				+ "identity first (ALTER COLUMN ... DROP IDENTITY).");
	}

	@Test
	void dropNotNullLetsNewCodeWriteNullFromExpandAndRollbackRestoresItOnlyWhenNoRowHoldsNull() {
		String before = catalog();
		Plan plan = Plan.builder("users-email-nullable").dropNotNull("users", "email").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		this.db.execute("INSERT INTO users (id) VALUES (100)");
		// A NULL written meanwhile stops the rollback, which names the row and changes nothing.
		assertThatThrownBy(() -> this.zdm.rollback(plan.id())).hasMessageContaining(
				"1 rows of public.users hold NULL in column \"email\", written since expand let the column hold NULL")
			.hasMessageContaining("(id) = (100)")
			.hasMessageContaining("Give those rows a value");
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass"
				+ " AND attname = 'email' AND attnotnull")).isZero();
		this.db.execute("UPDATE users SET email = 'hundred@x' WHERE id = 100");
		assertThat(this.zdm.rollback(plan.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(before);
		assertThatThrownBy(() -> this.db.execute("INSERT INTO users (id) VALUES (101)"))
			.hasMessageContaining("null value in column \"email\"");
	}

	@Test
	void dropNotNullCompletesWithTheColumnNullable() {
		Plan plan = Plan.builder("users-email-nullable-done").dropNotNull("users", "email").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		this.db.execute("INSERT INTO users (id) VALUES (100)");
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE email IS NULL")).isEqualTo(1);
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = 'users'::regclass"
				+ " AND contype = 'c'")).isZero();
	}

	// ---- addColumn ----

	@Test
	void addColumnRefusesWhatItCannotDo() {
		assertRefused("""
				id: bad-add-taken
				operations:
				  - addColumn: {table: users, column: email, type: text}
				""", "table public.users already has a column \"email\": choose another name, or drop that column first "
				+ "(dropColumn).");
		assertRefused("""
				id: bad-add-type
				operations:
				  - addColumn: {table: users, column: level, type: intgr}
				""", "'type' intgr is not a type PostgreSQL knows: ERROR: type \"intgr\" does not exist");
		assertRefused("""
				id: bad-add-default
				operations:
				  - addColumn: {table: users, column: level, type: integer, default: "'high'"}
				""", "'default' cannot be the default of a integer column: ERROR: invalid input syntax for type integer: "
				+ "\"high\". A default is a constant, or an expression of constants and functions (no column, no "
				+ "subquery): give one that is, or compute the value from the row with 'up'.");
		assertRefused("""
				id: bad-add-up
				operations:
				  - addColumn: {table: users, column: level, type: integer, up: "scroe * 2"}
				""", "'up' does not give a integer from the row (columns: id, email, status, score, Order Date): ERROR: "
				+ "column \"scroe\" does not exist");
		assertRefused("""
				id: bad-add-up-volatile
				operations:
				  - addColumn: {table: users, column: level, type: float8, up: "score * random()"}
				""", "'up' calls the volatile function random()");
		assertRefused("""
				id: bad-add-not-null
				operations:
				  - addColumn: {table: users, column: level, type: integer, notNull: true}
				""", "'notNull' without 'default' or 'up': the table's existing rows would have no value, and old code, "
				+ "which does not know the column, could not insert rows any more. Give a 'default' (or 'up', computed "
				+ "from the row); or add the column nullable, and make it NOT NULL (setNotNull) in a later migration once "
				+ "every row and every writer sets it.");
		assertRefused("""
				id: bad-add-nokey
				operations:
				  - addColumn: {table: nokey, column: c, type: integer, up: "a + b"}
				""", "table public.nokey has no primary key; zdm fills the new column of existing rows in batches over the "
				+ "primary key. Add one first.");
		assertThatThrownBy(() -> new PlanLoader().load("""
				id: bad-add-both
				operations:
				  - addColumn: {table: users, column: level, type: integer, default: "1", up: "score"}
				""", "both.yaml")).isInstanceOf(PlanException.class)
			.hasMessageContaining("give either 'default' or 'up', not both");
	}

	@Test
	void addColumnWithAConstantDefaultIsOneMetadataOnlyStep() {
		long file = filenode();
		Plan plan = Plan.builder("users-level").addColumn("users", "level", "integer", "3", true, null).build();
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertThat(this.db.queryStrings("SELECT atthasmissing::text FROM pg_attribute WHERE attrelid = 'users'::regclass "
				+ "AND attname = 'level'")).containsExactly("true");
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(filenode()).as("no rewrite").isEqualTo(file);
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE level = 3")).isEqualTo(50);
		assertThat(this.db.queryStrings("SELECT attnotnull || ' ' || pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
				+ "JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = 'users'::regclass "
				+ "AND a.attname = 'level'")).containsExactly("true 3");
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = 'users'::regclass "
				+ "AND contype = 'c'")).isZero();
	}

	@Test
	void addColumnWithAVolatileDefaultFillsExistingRowsByTheBackfillWithoutARewrite() {
		long file = filenode();
		Plan plan = Plan.builder("users-token").addColumn("users", "token", "uuid", "gen_random_uuid()", true, null)
			.build();
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE token IS NULL")).isEqualTo(50);
		this.db.execute("INSERT INTO users (id, email) VALUES (100, 'new@x')");
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE id = 100 AND token IS NOT NULL")).isEqualTo(1);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(filenode()).as("no rewrite").isEqualTo(file);
		assertThat(this.db.queryLong("SELECT count(DISTINCT token) FROM users")).isEqualTo(51);
		assertThat(this.db.queryStrings("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'users'::regclass "
				+ "AND attname = 'token'")).containsExactly("true");
	}

	@Test
	void addColumnWithUpKeepsTheColumnInStepForNewWritesAndRollbackDropsOnlyWhatItAdded() {
		String before = catalog();
		Plan plan = Plan.builder("users-score-x2").addColumn("users", "score_x2", "bigint", null, true, "score * 2")
			.build();
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		this.db.execute("INSERT INTO users (id, email, score) VALUES (100, 'new@x', 7)",
				"UPDATE users SET score = 1000 WHERE id = 1", "UPDATE users SET email = 'other@x' WHERE id = 2");
		assertThat(this.db.queryStrings("SELECT id || ':' || coalesce(score_x2::text, '-') FROM users WHERE id IN "
				+ "(1, 2, 3, 100) ORDER BY id")).containsExactly("1:2000", "2:-", "3:-", "100:14");
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE score_x2 IS DISTINCT FROM score * 2")).isZero();
		assertThat(this.zdm.rollback(plan.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(before);
		assertThat(this.db.queryStrings("SELECT score || ' ' || email FROM users WHERE id IN (1, 2, 100) ORDER BY id"))
			.containsExactly("1000 u1@x", "2 other@x", "7 new@x");

		Plan again = Plan.builder("users-score-x2-again").addColumn("users", "score_x2", "bigint", null, true, "score * 2")
			.build();
		this.zdm.start(again);
		assertThat(this.zdm.advanceTo(again.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		this.db.execute("UPDATE users SET score = 5 WHERE id = 3");
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE score_x2 = score * 2")).isEqualTo(50);
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'users'::regclass AND NOT tgisinternal"))
			.isZero();
	}

	// ---- several on one table ----

	@Test
	void severalOperationsOnOneTableRunInPlanOrderAndRollBackTogether() {
		this.db.execute("UPDATE users SET score = NULL WHERE id % 7 = 0");
		String before = catalog();
		Plan plan = Plan.builder("users-several").addColumn("users", "level", "integer", null, true, "length(email)")
			.setNotNull("users", "score", "0")
			.setDefault("users", "status", "'fresh'")
			.dropDefault("users", "level")
			.build();
		assertThatThrownBy(() -> this.zdm.start(plan)).isInstanceOf(PlanException.class)
			.hasMessageContaining("operation 4 (dropDefault): column \"level\" of public.users is already changed by an "
					+ "earlier operation of this plan");

		Plan several = Plan.builder("users-several").addColumn("users", "level", "integer", null, true, "length(email)")
			.setNotNull("users", "score", "0")
			.setDefault("users", "status", "'fresh'")
			.build();
		this.zdm.start(several);
		assertThat(this.zdm.advanceTo(several.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		this.db.execute("INSERT INTO users (id, email, score) VALUES (100, 'hundred@x', 1)");
		assertThat(this.zdm.rollback(several.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(before);

		Plan again = Plan.builder("users-several-again").addColumn("users", "level", "integer", null, true, "length(email)")
			.setNotNull("users", "score", "0")
			.setDefault("users", "status", "'fresh'")
			.build();
		this.zdm.start(again);
		assertThat(this.zdm.advanceTo(again.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		// 'up' kept the column in step while old code ran; after contract, writers set it.
		assertThatThrownBy(() -> this.db.execute("INSERT INTO users (id, email, score) VALUES (101, 'hundred-one@x', 2)"))
			.hasMessageContaining("null value in column \"level\"");
		this.db.execute("INSERT INTO users (id, email, score, level) VALUES (101, 'hundred-one@x', 2, 13)");
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE level = length(email) AND score IS NOT NULL"))
			.isEqualTo(52);
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE id % 7 = 0 AND id < 100 AND score = 0")).isEqualTo(7);
		assertThat(this.db.queryStrings("SELECT status FROM users WHERE id = 101")).containsExactly("fresh");
		assertThat(this.db.queryStrings("SELECT string_agg(attname || ' ' || attnotnull, ', ' ORDER BY attnum) FROM "
				+ "pg_attribute WHERE attrelid = 'users'::regclass AND attname IN ('score', 'level')"))
			.containsExactly("score true, level true");
	}

	// ---- helpers ----

	private long filenode() {
		return this.db.queryLong("SELECT pg_relation_filenode('users')");
	}

	private void assertRefused(String yaml, String... messages) {
		String catalog = catalog();
		Plan plan = new PlanLoader().load(yaml, "db/zdm/" + yaml.lines().findFirst().orElseThrow().substring(4) + ".yaml");
		assertThatThrownBy(() -> this.zdm.start(plan)).isInstanceOfSatisfying(PlanException.class, (ex) -> {
			assertThat(ex.getMessage()).startsWith("Plan " + plan.id() + " was refused, nothing was executed:");
			for (String message : messages) {
				assertThat(ex.getMessage()).contains(message);
			}
			assertThat(ex.problems()).hasSize(messages.length);
		});
		assertThat(catalog()).isEqualTo(catalog);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration WHERE id = ?", plan.id())).isZero();
	}

	/** Every column (with its default), index, constraint, trigger and function of the public schema. */
	private String catalog() {
		return this.db.queryStrings("""
				SELECT string_agg(x, '; ' ORDER BY x) FROM (
				  SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull
				         || ' default ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-') AS x
				  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
				  WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
				  UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' ' || i.indisvalid FROM pg_index i
				  JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'public'::regnamespace
				  UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
				  FROM pg_constraint WHERE connamespace = 'public'::regnamespace
				  UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
				  UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace IN ('public'::regnamespace, 'zdm'::regnamespace)
				) t""").get(0);
	}

}

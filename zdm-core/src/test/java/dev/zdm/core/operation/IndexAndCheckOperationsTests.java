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
 * {@code createIndex}, {@code dropIndex} and {@code addCheckConstraint}: bad input is refused before any DDL
 * with the plan, the operation and the fix, leaving the catalog as it was; a unique build that meets
 * duplicates and a check that existing rows violate stop the migration with the values and keys at fault.
 */
@ExtendWith(PostgresExtension.class)
class IndexAndCheckOperationsTests {

	private final TestDatabase db;

	private Orchestrator zdm;

	IndexAndCheckOperationsTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void setUp() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS users, tags CASCADE",
				"CREATE TABLE users (id bigint PRIMARY KEY, email text CONSTRAINT users_email_key UNIQUE, "
						+ "status text, score integer, tags text[])",
				"CREATE INDEX users_status_idx ON users (status)",
				"INSERT INTO users SELECT g, 'u' || g || '@x', CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END, g, '{}' "
						+ "FROM generate_series(1, 50) g");
		this.zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults());
		this.zdm.install();
	}

	// ---- reading the plan ----

	@Test
	void argumentsAreReadWithTheirLines() {
		assertThatThrownBy(() -> new PlanLoader().load("""
				id: bad-args
				operations:
				  - createIndex: {table: users, name: i1, columns: [status], expression: "lower(status)"}
				  - createIndex: {table: users, name: i2, columns: [status], unique: maybe}
				  - dropIndex: {name: "a.b.c"}
				  - addCheckConstraint: {table: users, name: c1}
				""", "args.yaml")).isInstanceOfSatisfying(PlanException.class, (ex) -> assertThat(ex.problems())
			.extracting(PlanProblem::toString)
			.containsExactly(
					"args.yaml:3:18: operation 1 (createIndex): give either 'columns' or 'expression' (one of them, not both)",
					"args.yaml:4:70: operation 2 (createIndex): 'unique' must be true or false",
					"args.yaml:5:23: operation 3 (dropIndex): 'name': \"a.b.c\" has more than one '.': use schema.table",
					"args.yaml:6:25: operation 4 (addCheckConstraint): 'check' is required"));
	}

	// ---- createIndex ----

	@Test
	void createIndexRefusesWhatCannotBeBuilt() {
		assertRefused("""
				id: bad-index-columns
				operations:
				  - createIndex: {table: users, name: users_x_idx, columns: [status, emial], include: [nope]}
				""", "table public.users has no column \"emial\", \"nope\". Known columns: id, email, status, score, tags.");
		assertRefused("""
				id: bad-index-name
				operations:
				  - createIndex: {table: users, name: users_email_key, columns: [status]}
				""", "the name \"users_email_key\" is taken in schema public by an index");
		assertRefused("""
				id: bad-index-table
				operations:
				  - createIndex: {table: userz, name: users_x_idx, columns: [status]}
				""", "table \"userz\" does not exist");
		assertRefused("""
				id: bad-index-expression
				operations:
				  - createIndex: {table: users, name: users_x_idx, expression: "status || now()::text"}
				""", "PostgreSQL refuses the index: ERROR: functions in index expression must be marked IMMUTABLE");
		assertRefused("""
				id: bad-index-where
				operations:
				  - createIndex: {table: users, name: users_x_idx, columns: [status], where: "score + 1"}
				""", "PostgreSQL refuses the index: ERROR: argument of WHERE must be type boolean");
		assertRefused("""
				id: bad-index-method
				operations:
				  - createIndex: {table: users, name: users_x_idx, columns: [tags], unique: true, using: gin}
				""", "access method \"gin\" does not support unique indexes");
	}

	@Test
	void createIndexBuildsAPartialExpressionIndexConcurrentlyAndRollbackDropsIt() {
		Plan plan = new PlanLoader().load("""
				id: users-lower-status
				operations:
				  - createIndex:
				      table: users
				      name: users_lower_status_idx
				      expression: "lower(status)"
				      where: "score > 10"
				      include: [email]
				""", "p.yaml");
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertThat(indexDefinition("users_lower_status_idx")).isEqualTo("CREATE INDEX users_lower_status_idx ON "
				+ "public.users USING btree (lower(status)) INCLUDE (email) WHERE (score > 10) valid true");
		assertThat(this.zdm.rollback(plan.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(indexDefinition("users_lower_status_idx")).isNull();
	}

	@Test
	void aUniqueBuildThatMeetsDuplicatesSaysWhichValuesAndLeavesNoIndexThenAnInvalidOneIsRebuilt() {
		this.db.execute("UPDATE users SET status = 'c' WHERE id IN (3, 5)", "UPDATE users SET status = 'd' WHERE id = 7");
		Plan plan = Plan.builder("users-unique-score").createIndex("users", "users_status_score_key", true, "status", "score")
			.build();
		this.db.execute("UPDATE users SET score = 1 WHERE id IN (1, 3, 5, 7)", "UPDATE users SET status = 'b' WHERE id = 7",
				"UPDATE users SET status = 'c' WHERE id = 9", "UPDATE users SET score = 1 WHERE id = 9");
		// (b, 1): ids 1 and 7; (c, 1): ids 3, 5 and 9.
		this.zdm.start(plan);
		assertThatThrownBy(() -> this.zdm.advance(plan.id()))
			.hasMessageContaining("build index public.users_status_score_key on public.users for users-unique-score "
					+ "operation 1 (createIndex) failed")
			.hasMessageContaining("2 values of (status, score) are held by more than one row (5 rows), for example "
					+ "(c,1) in 3 rows; (b,1) in 2 rows. Remove the duplicates (or drop 'unique'), then advance again; or "
					+ "roll the migration back");
		assertThat(indexDefinition("users_status_score_key")).isNull();
		assertThat(this.zdm.status(plan.id()).phase()).isEqualTo(Phase.EXPANDING);

		// Someone tries the build by hand: it fails too, and leaves an invalid index under the name.
		assertThatThrownBy(() -> this.db.execute(
				"CREATE UNIQUE INDEX CONCURRENTLY users_status_score_key ON users (status, score)"))
			.hasMessageContaining("could not create unique index");
		assertThat(indexDefinition("users_status_score_key")).endsWith("valid false");
		this.db.execute("UPDATE users SET score = id WHERE id IN (1, 3, 5, 7, 9)");
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertThat(indexDefinition("users_status_score_key")).isEqualTo("CREATE UNIQUE INDEX users_status_score_key ON "
				+ "public.users USING btree (status, score) valid true");
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(indexDefinition("users_status_score_key")).endsWith("valid true");
	}

	// ---- dropIndex ----

	@Test
	void dropIndexRefusesAnUnknownIndexAndOneThatBacksAConstraint() {
		assertRefused("""
				id: bad-drop-unknown
				operations:
				  - dropIndex: {name: users_nope_idx}
				""", "index \"users_nope_idx\" does not exist. Fix the name");
		assertRefused("""
				id: bad-drop-unique
				operations:
				  - dropIndex: {name: public.users_email_key}
				""", "index users_email_key backs the unique constraint \"users_email_key\" of public.users, which needs it: "
				+ "drop the constraint instead (ALTER TABLE \"public\".\"users\" DROP CONSTRAINT \"users_email_key\"");
		assertRefused("""
				id: bad-drop-pkey
				operations:
				  - dropIndex: {name: users_pkey}
				""", "index users_pkey backs the primary key \"users_pkey\"");
	}

	@Test
	void dropIndexKeepsTheIndexUntilContract() {
		Plan plan = Plan.builder("drop-users-status").dropIndex("users_status_idx").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(indexDefinition("users_status_idx")).endsWith("valid true");
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(indexDefinition("users_status_idx")).isNull();
	}

	// ---- addCheckConstraint ----

	@Test
	void addCheckConstraintRefusesATakenNameAndChecksPostgreSqlWouldNotKeep() {
		assertRefused("""
				id: bad-check-name
				operations:
				  - addCheckConstraint: {table: users, name: users_email_key, check: "score > 0"}
				""", "table public.users already has a constraint \"users_email_key\": choose another 'name'.");
		assertRefused("""
				id: bad-check-type
				operations:
				  - addCheckConstraint: {table: users, name: users_score_check, check: "score + 1"}
				""", "'check' is not a condition PostgreSQL accepts over the row of public.users (columns: id, email, status, "
				+ "score, tags): ERROR: argument of CHECK must be type boolean, not type integer");
		assertRefused("""
				id: bad-check-subquery
				operations:
				  - addCheckConstraint: {table: users, name: users_score_check, check: "score > (SELECT 1)"}
				""", "cannot use subquery in check constraint");
		assertRefused("""
				id: bad-check-volatile
				operations:
				  - addCheckConstraint: {table: users, name: users_score_check, check: "score > random()"}
				""", "'check' calls the volatile function random()");
	}

	@Test
	void rowsViolatingTheCheckAreCountedWithTheirKeysBeforeValidate() {
		this.db.execute("UPDATE users SET score = -id WHERE id IN (4, 8, 15)");
		Plan plan = Plan.builder("users-score-positive").addCheckConstraint("users", "users_score_positive", "score > 0")
			.build();
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		// NOT VALID: new writes are checked already.
		assertThatThrownBy(() -> this.db.execute("UPDATE users SET score = -1 WHERE id = 1"))
			.hasMessageContaining("violates check constraint \"users_score_positive\"");
		assertThatThrownBy(() -> this.zdm.advance(plan.id()))
			.hasMessageContaining("3 rows of public.users violate check constraint users_score_positive (score > 0), for "
					+ "example the rows with (id) = (4), (8), (15). Fix those rows (or the check), then advance again; or "
					+ "roll the migration back.");
		assertThat(this.zdm.status(plan.id()).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(this.db.queryStrings("SELECT convalidated::text FROM pg_constraint WHERE conname = 'users_score_positive'"))
			.containsExactly("false");
		this.db.execute("UPDATE users SET score = id WHERE score <= 0");
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT pg_get_constraintdef(oid) || ' ' || convalidated FROM pg_constraint "
				+ "WHERE conname = 'users_score_positive'")).containsExactly("CHECK ((score > 0)) true");
	}

	// ---- helpers ----

	private String indexDefinition(String name) {
		List<String> found = this.db.queryStrings("SELECT pg_get_indexdef(i.indexrelid) || ' valid ' || i.indisvalid "
				+ "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ?", name);
		return found.isEmpty() ? null : found.get(0);
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

	/** Every column, index, constraint, trigger and function of the public schema. */
	private String catalog() {
		return this.db.queryStrings("""
				SELECT string_agg(x, '; ' ORDER BY x) FROM (
				  SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull AS x
				  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
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

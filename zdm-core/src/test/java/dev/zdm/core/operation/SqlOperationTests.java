package dev.zdm.core.operation;

import java.util.List;
import java.util.Map;

import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.core.plan.PlanProblem;
import dev.zdm.core.state.MigrationEvent;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code sql}: raw statements linted before anything runs, refused unless each finding is allowed with a
 * reason; run in their phase's step in one transaction, undone by their rollback statements, and finished
 * by advancing again after a crash.
 */
@ExtendWith(PostgresExtension.class)
class SqlOperationTests {

	private final TestDatabase db;

	private Orchestrator zdm;

	SqlOperationTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void setUp() {
		this.db.execute("DROP EVENT TRIGGER IF EXISTS sql_crash", "DROP FUNCTION IF EXISTS sql_crash()",
				"DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS users, audit_log, crash_armed CASCADE",
				"CREATE TABLE users (id bigint PRIMARY KEY, email text, status text, legacy text)",
				"INSERT INTO users SELECT g, 'u' || g || '@x', 'a', 'old' FROM generate_series(1, 50) g");
		this.zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults());
		this.zdm.install();
	}

	private static final String PLAN = """
			id: %s
			operations:
			  - sql:
			      phase: expand
			      statements:
			        - CREATE TABLE audit_log (id bigint PRIMARY KEY, note text)
			        - |
			          ALTER TABLE users
			            ADD COLUMN nickname text
			      rollback:
			        - ALTER TABLE users DROP COLUMN IF EXISTS nickname
			        - DROP TABLE IF EXISTS audit_log
			      allowUnsafe:
			        - {rule: ZDM018, reason: 'the rollback drops the column its expand added, which no code uses yet'}
			  - sql:
			      phase: contract
			      table: users
			      statements:
			        - ALTER TABLE users DROP COLUMN legacy;
			      allowUnsafe:
			        - rule: ZDM018
			          reason: no running version reads legacy since release 12
			""";

	// ---- running ----

	@Test
	void safeStatementsRunInTheirPhasesAndRollbackRunsTheRollbackStatements() {
		Plan plan = new PlanLoader().load(PLAN.formatted("sql-through"), "db/zdm/sql-through.yaml");
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertThat(columns("users")).containsExactly("id", "email", "status", "legacy", "nickname");
		assertThat(columns("audit_log")).containsExactly("id", "note");
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		// Contract-phase statements wait for contract.
		assertThat(columns("users")).contains("legacy");
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(columns("users")).containsExactly("id", "email", "status", "nickname");
		assertThat(this.db.queryLong("SELECT count(*) FROM users")).isEqualTo(50);
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'zdm_sql_through'")).isZero();

		Plan back = new PlanLoader().load(PLAN.formatted("sql-back"), "db/zdm/sql-back.yaml");
		this.db.execute("ALTER TABLE users ADD COLUMN legacy text", "ALTER TABLE users DROP COLUMN nickname",
				"DROP TABLE audit_log");
		String before = catalog();
		this.zdm.start(back);
		assertThat(this.zdm.advanceTo(back.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(columns("users")).contains("nickname");
		this.db.execute("INSERT INTO users (id, email, status, nickname) VALUES (51, 'n@x', 'b', 'nick')");
		assertThat(this.zdm.rollback(back.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(before);
		assertThat(this.db.queryStrings("SELECT email FROM users WHERE id = 51")).containsExactly("n@x");
		assertThat(this.db.queryLong("SELECT count(*) FROM users")).isEqualTo(51);
	}

	@Test
	void aRollbackBeforeExpandRanRunsNoRollbackStatement() {
		this.db.execute("CREATE TABLE audit_log (id bigint PRIMARY KEY, note text)");
		Plan plan = new PlanLoader().load("""
				id: sql-pending
				operations:
				  - sql:
				      phase: expand
				      statements: [ALTER TABLE users ADD COLUMN nickname text]
				      rollback: [DROP TABLE audit_log]
				      allowUnsafe: [{rule: ZDM019, reason: the test proves it never runs}]
				""", "p.yaml");
		this.zdm.start(plan);
		assertThat(this.zdm.rollback(plan.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		// The rollback statement would have dropped a table zdm did not create.
		assertThat(columns("audit_log")).containsExactly("id", "note");
	}

	@Test
	void anAllowedUnsafeStatementRunsAndAnAllowanceThatAllowsNothingIsAWarning() {
		Plan plan = new PlanLoader().load("""
				id: sql-allowed
				operations:
				  - sql:
				      phase: expand
				      statements:
				        - CREATE INDEX users_status_plain_idx ON users (status)
				        - |
				          CREATE FUNCTION users_score(n integer) RETURNS integer LANGUAGE plpgsql AS $$
				          BEGIN
				            RETURN n + 1; -- a ';' in a body is not the end of the statement
				          END $$ -- nor in a comment;
				        - ALTER TABLE users ALTER COLUMN status SET DEFAULT 'a'
				      allowUnsafe:
				        - {rule: ZDM001, reason: users holds 50 rows in every environment}
				        - {rule: zdm019, reason: nothing is dropped}
				""", "p.yaml");
		this.zdm.start(plan);
		assertThat(this.zdm.events(plan.id())).extracting(MigrationEvent::detail)
			.anySatisfy((detail) -> assertThat(detail).contains("allowUnsafe ZDM019 allows nothing"));
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT indexdef FROM pg_indexes WHERE indexname = 'users_status_plain_idx'"))
			.containsExactly("CREATE INDEX users_status_plain_idx ON public.users USING btree (status)");
		assertThat(this.db.queryLong("SELECT users_score(41)")).isEqualTo(42);
		assertThat(this.db.queryStrings("SELECT column_default FROM information_schema.columns WHERE table_name = 'users' "
				+ "AND column_name = 'status'")).containsExactly("'a'::text");
	}

	@Test
	void aCrashMidStepIsFinishedByAdvancingAgain() {
		Plan plan = new PlanLoader().load(PLAN.formatted("sql-crash"), "p.yaml");
		this.zdm.start(plan);
		// The second statement of expand fails once, as a process dying there would leave it.
		arm("ALTER TABLE", "EXPANDING");
		assertThatThrownBy(() -> this.zdm.advance(plan.id())).hasMessageContaining("simulated crash");
		assertThat(this.zdm.status(plan.id()).phase()).isEqualTo(Phase.EXPANDING);
		// The first statement rolled back with it: the step is one transaction.
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'audit_log'")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_step WHERE migration_id = 'sql-crash'")).isZero();
		this.db.execute("DELETE FROM crash_armed");
		// CREATE TABLE without IF NOT EXISTS: advancing again runs it once more, and only once.
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertThat(columns("users")).contains("nickname");
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		// The contract step fails once, after the rehearsal passed: the migration is CONTRACTING.
		arm("ALTER TABLE", "CONTRACTING");
		assertThatThrownBy(() -> this.zdm.advance(plan.id())).hasMessageContaining("simulated crash");
		assertThat(this.zdm.status(plan.id()).phase()).isEqualTo(Phase.CONTRACTING);
		assertThat(columns("users")).contains("legacy");
		this.db.execute("DELETE FROM crash_armed");
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.COMPLETED);
		this.db.execute("DROP EVENT TRIGGER sql_crash");
		assertThat(columns("users")).containsExactly("id", "email", "status", "nickname");
		assertThatThrownBy(() -> this.zdm.advance(plan.id())).isInstanceOf(MigrationException.class)
			.hasMessageContaining("nothing to advance");
	}

	// ---- refusing ----

	@Test
	void anUnsafeStatementWithoutAllowUnsafeIsRefusedNamingTheRuleAndTheStatement() {
		assertRefused("""
				id: sql-unsafe
				operations:
				  - sql:
				      phase: expand
				      statements:
				        - ALTER TABLE users ADD COLUMN nickname text
				        - ALTER TABLE users ALTER COLUMN email SET NOT NULL
				""", "sql-unsafe.yaml:7: operation 1 (sql): statement 2 (line 7) is unsafe: ZDM007 (SET NOT NULL on an "
				+ "existing column)", "setNotNull", "allowUnsafe: [{rule: ZDM007, reason: '...'}]",
				"Statement: ALTER TABLE users ALTER COLUMN email SET NOT NULL");
		assertRefused("""
				id: sql-unsafe-rollback
				operations:
				  - sql:
				      phase: expand
				      statements: [ALTER TABLE users ADD COLUMN nickname text]
				      rollback: [ALTER TABLE users DROP COLUMN nickname]
				""", "sql-unsafe-rollback.yaml:6: operation 1 (sql): rollback statement 1 (line 6) is unsafe: ZDM018");
		assertRefused("""
				id: sql-unsafe-contract
				operations:
				  - sql:
				      phase: contract
				      statements:
				        - CREATE INDEX users_status_plain_idx ON users (status)
				        - |
				          CREATE FUNCTION users_score(n integer) RETURNS integer LANGUAGE plpgsql AS $$
				          BEGIN
				            RETURN n + 1; -- a ';' in a body is not the end of the statement
				          END $$ -- nor in a comment;
				        - ALTER TABLE users ALTER COLUMN status SET DEFAULT 'a'
				      allowUnsafe: [{rule: ZDM018, reason: not this one}]
				""", "statement 1 (line 6) is unsafe: ZDM001 (CREATE INDEX without CONCURRENTLY)", "createIndex");
		assertRefused("""
				id: sql-missing-table
				operations:
				  - sql: {phase: expand, table: userz, statements: [ALTER TABLE userz ADD COLUMN x text]}
				""", "table \"userz\" does not exist. 'table' names an existing table");
		this.db.execute("CREATE TABLE audit_log (id bigint PRIMARY KEY)");
		assertRefused("""
				id: sql-other-table
				operations:
				  - sql: {phase: expand, table: users, statements: [ALTER TABLE audit_log ADD COLUMN x text]}
				""", "'table' names public.users, which no statement mentions");
	}

	@Test
	void allowUnsafeWithoutAReasonOrForAnUnknownRuleIsAPlanProblemAtItsLine() {
		String catalog = catalog();
		assertThatThrownBy(() -> new PlanLoader().load("""
				id: sql-bad-allow
				operations:
				  - sql:
				      phase: expand
				      statements: [CREATE INDEX users_status_plain_idx ON users (status)]
				      allowUnsafe:
				        - rule: ZDM001
				        - {rule: ZDM001, reason: "  "}
				        - {rule: ZDM999, reason: small table}
				  - sql:
				      phase: contract
				      statements: ["CREATE INDEX CONCURRENTLY i ON users (status)", "BEGIN", "SELECT 1; SELECT 2"]
				      rollback: [SELECT 1]
				  - sql: {statements: ["SET lock_timeout = 0", "SET LOCAL statement_timeout = 0"]}
				""", "bad.yaml")).isInstanceOfSatisfying(PlanException.class, (ex) -> assertThat(ex.problems())
			.extracting(PlanProblem::toString)
			.containsExactly(
					"bad.yaml:7:11: operation 1 (sql): allowUnsafe ZDM001 has no reason, so it allows nothing: say why the "
							+ "statements are safe here anyway, e.g. {rule: ZDM001, reason: 'lookup table of 40 rows'}",
					"bad.yaml:8:34: operation 1 (sql): allowUnsafe ZDM001 has no reason, so it allows nothing: say why the "
							+ "statements are safe here anyway, e.g. {rule: ZDM001, reason: 'lookup table of 40 rows'}",
					"bad.yaml:9:18: operation 1 (sql): allowUnsafe: unknown rule 'ZDM999': give the id of one of the "
							+ "linter's rules (ZDM000 to ZDM900, docs/lint-rules.md) that a finding on these statements names",
					"bad.yaml:12:20: operation 2 (sql): 'statements': PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a "
							+ "transaction block, and zdm runs the statements of a sql operation in one: use zdm's createIndex "
							+ "operation, which builds the index CONCURRENTLY outside a transaction and rebuilds one a failed "
							+ "build left invalid",
					"bad.yaml:12:69: operation 2 (sql): 'statements': BEGIN controls the transaction, and zdm runs the "
							+ "statements of a sql operation in a transaction of its own, committed with the record that they "
							+ "ran: leave transaction control out",
					"bad.yaml:12:78: operation 2 (sql): 'statements': holds more than one statement: give each statement "
							+ "its own item of the list",
					"bad.yaml:13:17: operation 2 (sql): 'rollback' is only for phase expand: a contract-phase sql operation "
							+ "runs in contract, after which no migration can be rolled back, and a rollback before contract "
							+ "has nothing of it to undo. Leave 'rollback' out, or run the statements in expand",
					"bad.yaml:14:10: operation 3 (sql): 'phase' is required: expand or contract",
					"bad.yaml:14:24: operation 3 (sql): 'statements': SET changes the session, and would stay on zdm's "
							+ "connection after the operation: use SET LOCAL, which ends with the transaction",
					"bad.yaml:14:48: operation 3 (sql): 'statements': zdm sets statement_timeout for the transaction itself "
							+ "(zdm.lock-timeout, zdm.statement-timeout), so that no application query waits behind it for "
							+ "long: leave it out"));
		assertThatThrownBy(() -> Plan.builder("sql-java")
			.sql("expand", List.of("ALTER TABLE users ADD COLUMN x text"), List.of(), Map.of("ZDM018", " "))
			.sql("expand", List.of("ALTER TABLE users ADD COLUMN y text"), List.of(), Map.of("ZDM999", "small"))
			.sql("contract", List.of("ALTER TABLE users ADD COLUMN z text"), List.of("SELECT 1"), Map.of())
			.build()).isInstanceOfSatisfying(PlanException.class, (ex) -> assertThat(ex.problems())
				.extracting(PlanProblem::toString)
				.containsExactly("java: operation 1 (sql): allowUnsafe ZDM018 has no reason: say why the statement is safe "
						+ "here, e.g. {rule: ZDM018, reason: 'lookup table of 40 rows'}",
						"java: operation 2 (sql): allowUnsafe: unknown rule 'ZDM999': give the id of one of the linter's "
								+ "rules (docs/lint-rules.md) that a finding on these statements names",
						"java: operation 3 (sql): " + dev.zdm.core.plan.Sql.CONTRACT_ROLLBACK));
		assertThat(catalog()).isEqualTo(catalog);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration")).isZero();
	}

	@Test
	void aTableHeldByAnotherMigrationIsRefusedAndAnOperationNamingNoTableHoldsNone() {
		Plan rename = Plan.builder("sql-other").renameColumn("users", "email", "email_address").build();
		this.zdm.start(rename);
		assertThat(this.zdm.advance(rename.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertRefused("""
				id: sql-held
				operations:
				  - sql: {phase: expand, table: users, statements: [COMMENT ON TABLE users IS 'people']}
				""", "table public.users is being changed by migration sql-other");
		Plan free = Plan.builder("sql-free")
			.sql("expand", List.of("COMMENT ON TABLE users IS 'people'"), List.of("COMMENT ON TABLE users IS NULL"), Map.of())
			.build();
		this.zdm.start(free);
		assertThat(this.zdm.advanceTo(free.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT obj_description('users'::regclass, 'pg_class')")).containsExactly("people");
		assertThat(this.zdm.rollback(rename.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
	}

	// ---- helpers ----

	/** Fails the next statements with command tag {@code tag} while migration sql-crash is in {@code phase}. */
	private void arm(String tag, String phase) {
		this.db.execute("CREATE TABLE IF NOT EXISTS crash_armed (tag text, phase text)",
				"INSERT INTO crash_armed VALUES ('" + tag + "', '" + phase + "')",
				"CREATE OR REPLACE FUNCTION sql_crash() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN "
						+ "IF EXISTS (SELECT 1 FROM crash_armed WHERE crash_armed.tag = tg_tag AND crash_armed.phase = "
						+ "(SELECT m.phase FROM zdm.zdm_migration m WHERE m.id = 'sql-crash')) THEN "
						+ "RAISE EXCEPTION 'simulated crash at %', current_query(); END IF; END $$",
				"DROP EVENT TRIGGER IF EXISTS sql_crash",
				"CREATE EVENT TRIGGER sql_crash ON ddl_command_start EXECUTE FUNCTION sql_crash()");
	}

	private List<String> columns(String table) {
		return this.db.queryStrings("SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 "
				+ "AND NOT attisdropped ORDER BY attnum", table);
	}

	private void assertRefused(String yaml, String... messages) {
		String catalog = catalog();
		String id = yaml.lines().findFirst().orElseThrow().substring(4);
		Plan plan = new PlanLoader().load(yaml, id + ".yaml");
		assertThatThrownBy(() -> this.zdm.start(plan)).isInstanceOfSatisfying(PlanException.class, (ex) -> {
			assertThat(ex.getMessage()).startsWith("Plan " + plan.id() + " was refused, nothing was executed:");
			for (String message : messages) {
				assertThat(ex.getMessage()).contains(message);
			}
			assertThat(ex.problems()).hasSize(1);
		});
		assertThat(catalog()).isEqualTo(catalog);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration WHERE id = ?", plan.id())).isZero();
	}

	/** Every column, index, constraint, trigger and function of the public schema, and its schemas. */
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
				  UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname LIKE 'zdm\\_%'
				) t""").get(0);
	}

}

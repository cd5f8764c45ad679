package dev.zdm.lint;

import java.util.List;

import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** Rehearsal on a real PostgreSQL: the locks and rewrites observed back the static findings. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LockRehearsalTests {

	private static final String SCHEMA = """
			CREATE TABLE customers (id bigint PRIMARY KEY);
			CREATE TABLE orders (id integer PRIMARY KEY, customer_id bigint, status text, note varchar(20));
			""";

	private static final String MIGRATION = """
			SET lock_timeout = '5s';
			CREATE INDEX idx_orders_status ON orders (status);
			ALTER TABLE orders ADD COLUMN token text DEFAULT md5(random()::text);
			ALTER TABLE orders ALTER COLUMN id TYPE bigint;
			ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
			ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
			ALTER TABLE orders ALTER COLUMN note TYPE varchar(40);
			ALTER TABLE orders ADD COLUMN flag boolean NOT NULL DEFAULT false;
			CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_note ON orders (note);
			ALTER TABLE orders ADD COLUMN broken int REFERENCES nowhere (id);
			""";

	private List<RehearsedStatement> rehearsed;

	private TestDatabase database;

	@BeforeAll
	void rehearse(TestDatabase database) {
		this.database = database;
		this.rehearsed = new LockRehearsal(database.dataSource()).rehearse(SCHEMA, MIGRATION);
	}

	@Test
	void createIndexTakesShareOnTheTableWithoutRewrite() {
		RehearsedStatement index = statement("CREATE INDEX idx_orders_status");
		assertThat(index.findings()).extracting(Finding::ruleId).containsExactly("ZDM001");
		assertThat(index.strongestLockOn("orders")).isEqualTo(LockMode.SHARE);
		assertThat(index.rewritten()).isEmpty();
	}

	@Test
	void volatileDefaultTakesAccessExclusiveAndRewritesTheTable() {
		RehearsedStatement add = statement("ALTER TABLE orders ADD COLUMN token");
		assertThat(add.findings()).extracting(Finding::ruleId).containsExactly("ZDM011");
		assertThat(add.strongestLockOn("orders")).isEqualTo(LockMode.ACCESS_EXCLUSIVE);
		assertThat(add.rewrote("orders")).isTrue();
	}

	@Test
	void constantDefaultDoesNotRewrite() {
		RehearsedStatement add = statement("ALTER TABLE orders ADD COLUMN flag");
		assertThat(add.findings()).isEmpty();
		assertThat(add.strongestLockOn("orders")).isEqualTo(LockMode.ACCESS_EXCLUSIVE);
		assertThat(add.rewritten()).isEmpty();
	}

	@Test
	void typeChangeRewritesTheTableAndItsIndexes() {
		RehearsedStatement change = statement("ALTER TABLE orders ALTER COLUMN id TYPE bigint");
		assertThat(change.findings()).extracting(Finding::ruleId).containsExactly("ZDM015");
		assertThat(change.strongestLockOn("orders")).isEqualTo(LockMode.ACCESS_EXCLUSIVE);
		assertThat(change.rewritten()).contains("orders", "orders_pkey");
	}

	@Test
	void binaryCoercibleTypeChangeLocksButDoesNotRewrite() {
		RehearsedStatement change = statement("ALTER TABLE orders ALTER COLUMN note TYPE varchar(40)");
		assertThat(change.findings()).isEmpty();
		assertThat(change.strongestLockOn("orders")).isEqualTo(LockMode.ACCESS_EXCLUSIVE);
		assertThat(change.rewritten()).isEmpty();
	}

	@Test
	void validatedForeignKeyLocksBothTablesAgainstWrites() {
		RehearsedStatement fk = statement("ALTER TABLE orders ADD CONSTRAINT orders_customer_fk");
		assertThat(fk.findings()).extracting(Finding::ruleId).containsExactly("ZDM005");
		assertThat(fk.strongestLockOn("orders")).isEqualTo(LockMode.SHARE_ROW_EXCLUSIVE);
		assertThat(fk.strongestLockOn("customers")).isEqualTo(LockMode.SHARE_ROW_EXCLUSIVE);
		assertThat(fk.rewritten()).isEmpty();
	}

	@Test
	void setNotNullTakesAccessExclusiveWithoutRewrite() {
		RehearsedStatement set = statement("ALTER TABLE orders ALTER COLUMN status SET NOT NULL");
		assertThat(set.findings()).extracting(Finding::ruleId).containsExactly("ZDM007");
		assertThat(set.strongestLockOn("orders")).isEqualTo(LockMode.ACCESS_EXCLUSIVE);
		assertThat(set.rewritten()).isEmpty();
		assertThat(set.summary()).isEqualTo("migration:6:1: ZDM007; rehearsal: ACCESS EXCLUSIVE on table orders; no rewrite");
	}

	@Test
	void concurrentStatementsAreAppliedButNotObservedInATransaction() {
		RehearsedStatement concurrent = statement("CREATE INDEX CONCURRENTLY");
		assertThat(concurrent.locks()).isEmpty();
		assertThat(concurrent.note()).isEqualTo("not rehearsed in a transaction (it cannot run in one)");
	}

	@Test
	void failingStatementIsReportedAndTheScratchSchemaIsDropped() {
		RehearsedStatement broken = statement("ALTER TABLE orders ADD COLUMN broken");
		assertThat(broken.note()).startsWith("failed: ").contains("nowhere");
		assertThat(this.database.queryStrings(
				"SELECT nspname FROM pg_namespace WHERE nspname LIKE 'zdm_rehearsal_%'")).isEmpty();
		assertThat(this.rehearsed).hasSize(10);
	}

	@Test
	void lintsForTheRehearsalServersVersion() {
		// A generated column without STORED is VIRTUAL, and instant, from PostgreSQL 18 on; before, it does not
		// exist and ZDM012 says so. The default target (14) would flag it on any server.
		long server = this.database.queryLong("SELECT current_setting('server_version_num')::int / 10000");
		List<RehearsedStatement> rehearsed = new LockRehearsal(this.database.dataSource()).rehearse(
				"CREATE TABLE people (first text, last text);",
				"SET lock_timeout = '1s'; ALTER TABLE people ADD COLUMN full_name text GENERATED ALWAYS AS (first || last);");
		List<String> ids = rehearsed.get(1).findings().stream().map(Finding::ruleId).toList();
		if (server >= 18) {
			assertThat(ids).isEmpty();
			assertThat(rehearsed.get(1).rewritten()).isEmpty();
		}
		else {
			assertThat(ids).containsExactly("ZDM012");
		}
	}

	private RehearsedStatement statement(String prefix) {
		return this.rehearsed.stream().filter((r) -> r.statement().startsWith(prefix)).findFirst().orElseThrow();
	}

}

package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import dev.zdm.core.ddl.DdlExecutor;
import dev.zdm.core.ddl.DdlSettings;
import dev.zdm.core.operation.ColumnCopy;
import dev.zdm.core.operation.VersionSchema;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.state.MigrationEvent;
import dev.zdm.core.state.MigrationLock;
import dev.zdm.core.state.StateStore;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Regressions: an instance that lost the migration's lock cannot change it; what can fail at contract is
 * found before {@code CONTRACTING}.
 */
@ExtendWith(PostgresExtension.class)
class OrchestrationSafetyTests {

	private final TestDatabase db;

	OrchestrationSafetyTests(TestDatabase db) {
		this.db = db;
	}

	@Test
	void anInstanceThatLostItsLockCannotFinishExpandAfterAnotherRolledBack() throws Exception {
		this.db.execute("CREATE TABLE members (id int PRIMARY KEY, email text NOT NULL DEFAULT 'none@example.com')",
				"INSERT INTO members SELECT g, 'm' || g || '@example.com' FROM generate_series(1, 100) g");
		Plan plan = Plan.builder("fenced-rename").renameColumn("members", "email", "email_address").build();
		String defaultBefore = columnDefault("members", "email");
		CompletableFuture<Void> retrying = new CompletableFuture<>();
		CompletableFuture<Void> proceed = new CompletableFuture<>();
		MigrationListener holdBetweenAttempts = new MigrationListener() {
			@Override
			public void lockRetry(String description, int attempt, Duration delay) {
				if (retrying.complete(null)) {
					proceed.orTimeout(2, TimeUnit.MINUTES).join();
				}
			}
		};
		Orchestrator a = new Orchestrator(dataSource("zdm-fence-a"), ZdmSettings.defaults().withInstanceId("instance-a")
			.withDdl(DdlSettings.defaults().withLockTimeout(Duration.ofMillis(200)).withMaxAttempts(10)
				.withBackoff(Duration.ofMillis(10), Duration.ofMillis(50)))
			.withListener(holdBetweenAttempts));
		Orchestrator b = new Orchestrator(dataSource("zdm-fence-b"), ZdmSettings.defaults().withInstanceId("instance-b"));
		a.install();
		a.start(plan);
		b.start(plan);

		CompletableFuture<MigrationStatus> expand;
		try (Connection blocker = this.db.dataSource().getConnection()) {
			blocker.setAutoCommit(false);
			execute(blocker, "LOCK TABLE members IN ACCESS SHARE MODE");
			expand = CompletableFuture.supplyAsync(() -> a.advance("fenced-rename"));
			await().atMost(Duration.ofMinutes(1)).until(retrying::isDone);
			// A waits for the table between two attempts of its first expand step. Its advisory lock lives on
			// an idle connection of its own: end that one, as idle_session_timeout or a network cut would.
			assertThat(this.db.queryLong("SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l "
					+ "JOIN pg_stat_activity s ON s.pid = l.pid WHERE l.locktype = 'advisory' "
					+ "AND s.application_name = 'zdm-fence-a' AND s.datname = current_database()")).isEqualTo(1);
			await().until(() -> advisoryLocks() == 0);
			blocker.commit();
		}
		// Another instance finds the migration free and rolls it back while A still believes it holds it.
		assertThat(b.rollback("fenced-rename").phase()).isEqualTo(Phase.ROLLED_BACK);
		proceed.complete(null);

		Throwable failure = catchThrowable(expand::join);
		assertThat(b.status("fenced-rename").phase()).isEqualTo(Phase.ROLLED_BACK);
		assertNoTrace("members", "fenced-rename", "email_address");
		assertThat(columnDefault("members", "email")).isEqualTo(defaultBefore).isEqualTo("'none@example.com'::text");
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_step WHERE migration_id = 'fenced-rename' "
				+ "AND step LIKE 'expand:%'")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM members WHERE email = 'm' || id || '@example.com'"))
			.isEqualTo(100);
		assertThat(failure).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(MigrationBusyException.class)
			.hasMessageContaining("fenced-rename")
			.hasMessageContaining("no longer holds");
		// A's refusal did not overwrite what B recorded.
		assertThat(b.status("fenced-rename").error()).isNull();
	}

	@Test
	void contractIsRefusedWhileAGeneratedColumnIsComputedFromTheOldColumn() {
		this.db.execute("CREATE TABLE people (id int PRIMARY KEY, email text)",
				"INSERT INTO people SELECT g, 'p' || g || '@example.com' FROM generate_series(1, 200) g");
		Orchestrator zdm = orchestrator();
		zdm.start(Plan.builder("rehearse-generated").renameColumn("people", "email", "email_address").build());
		assertThat(zdm.advanceTo("rehearse-generated", Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		// Appears after validation: only contract's own statements can tell that it breaks DROP COLUMN.
		this.db.execute("ALTER TABLE people ADD COLUMN g int GENERATED ALWAYS AS (length(email)) STORED");

		Throwable failure = catchThrowable(() -> zdm.advance("rehearse-generated"));
		MigrationStatus status = zdm.status("rehearse-generated");
		assertThat(status.phase()).isEqualTo(Phase.SWITCHED);
		assertThat(failure).isInstanceOf(MigrationException.class)
			.hasMessageContaining("rehearse-generated operation 1 (renameColumn)")
			.hasMessageContaining("column g of table people depends on column email")
			.hasMessageContaining("stays SWITCHED");
		assertThat(status.error()).contains("operation 1 (renameColumn)");
		assertThat(this.db.queryStrings("SELECT attname FROM pg_attribute WHERE attrelid = 'people'::regclass "
				+ "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")).containsExactly("id", "email", "email_address", "g");

		assertThat(zdm.rollback("rehearse-generated").phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE email = 'p' || id || '@example.com' "
				+ "AND g = length(email)")).isEqualTo(200);
		assertNoTrace("people", "rehearse-generated", "email_address");
	}

	@Test
	void contractIsRefusedWhileAViewReadsTheOldColumn() {
		this.db.execute("CREATE TABLE clients (id int PRIMARY KEY, email text)",
				"INSERT INTO clients SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 200) g");
		Orchestrator zdm = orchestrator();
		zdm.start(Plan.builder("rehearse-view").renameColumn("clients", "email", "email_address").build());
		assertThat(zdm.advanceTo("rehearse-view", Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		this.db.execute("CREATE VIEW client_emails AS SELECT id, email FROM clients");

		Throwable failure = catchThrowable(() -> zdm.advance("rehearse-view"));
		assertThat(zdm.status("rehearse-view").phase()).isEqualTo(Phase.SWITCHED);
		assertThat(failure).isInstanceOf(MigrationException.class)
			.hasMessageContaining("rehearse-view operation 1 (renameColumn)")
			.hasMessageContaining("view client_emails depends on column email")
			.hasMessageContaining("stays SWITCHED")
			.hasMessageContaining("Drop what depends on column email of public.clients (or recreate it on email_address)");
		this.db.execute("UPDATE clients SET email_address = 'changed@example.com' WHERE id = 1");

		assertThat(zdm.rollback("rehearse-view").phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(this.db.queryLong("SELECT count(*) FROM client_emails WHERE id > 1 AND email = 'c' || id || '@example.com'"))
			.isEqualTo(199);
		assertThat(this.db.queryStrings("SELECT email FROM client_emails WHERE id = 1")).containsExactly("changed@example.com");
		assertNoTrace("clients", "rehearse-view", "email_address");
	}

	@Test
	void restartRunsARolledBackMigrationAgainWithTheSamePlan() {
		this.db.execute("CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2) NOT NULL)",
				"INSERT INTO orders SELECT g, g / 100.0 FROM generate_series(1, 300) g");
		Plan plan = Plan.builder("restart-cents").changeColumnType("orders", "total", "bigint", "round(total * 100)::bigint",
				"total_cents / 100.0", "total_cents").build();
		Orchestrator zdm = orchestrator();
		zdm.start(plan);
		assertThat(zdm.advanceTo("restart-cents", Phase.BACKFILLED).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(zdm.rollback("restart-cents").phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThatThrownBy(() -> zdm.advance("restart-cents")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("is ROLLED_BACK: there is nothing to advance; restart it");

		assertThat(zdm.restart("restart-cents").phase()).isEqualTo(Phase.PENDING);

		MigrationEvent restart = zdm.events("restart-cents").get(zdm.events("restart-cents").size() - 1);
		assertThat(restart.action()).isEqualTo("restart");
		assertThat(restart.fromPhase()).isEqualTo("ROLLED_BACK");
		assertThat(restart.toPhase()).isEqualTo("PENDING");
		assertThat(restart.actor()).isEqualTo("safety-tests");
		assertThat(this.db.queryStrings("SELECT checksum FROM zdm.zdm_migration WHERE id = 'restart-cents'"))
			.containsExactly(plan.checksum());
		this.db.execute("UPDATE orders SET total = 12.34 WHERE id = 1");
		assertThat(zdm.advanceTo("restart-cents", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT total_cents FROM orders WHERE id = 1")).isEqualTo(1234);
		assertThat(this.db.queryLong("SELECT count(*) FROM orders WHERE id > 1 AND total_cents = id")).isEqualTo(299);
	}

	@Test
	void restartIsRefusedUnlessTheMigrationIsRolledBack() {
		this.db.execute("CREATE TABLE invoices (id int PRIMARY KEY, note text)",
				"INSERT INTO invoices SELECT g, 'n' || g FROM generate_series(1, 50) g");
		Orchestrator zdm = orchestrator();
		zdm.start(Plan.builder("restart-refused").renameColumn("invoices", "note", "remark").build());
		assertThatThrownBy(() -> zdm.restart("restart-refused")).isInstanceOf(MigrationException.class)
			.hasMessage("Migration restart-refused is PENDING: only a rolled-back migration can be restarted; "
					+ "it is still running: advance it, or roll it back first");
		assertThat(zdm.advance("restart-refused").phase()).isEqualTo(Phase.EXPANDED);
		assertThatThrownBy(() -> zdm.restart("restart-refused")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("is EXPANDED: only a rolled-back migration can be restarted");
		assertThat(zdm.status("restart-refused").phase()).isEqualTo(Phase.EXPANDED);
		assertThat(zdm.advanceTo("restart-refused", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThatThrownBy(() -> zdm.restart("restart-refused")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("is COMPLETED: only a rolled-back migration can be restarted; it completed: to change "
					+ "the schema further, write a new plan with a new id");
		assertThat(zdm.status("restart-refused").phase()).isEqualTo(Phase.COMPLETED);
		assertThat(zdm.events("restart-refused")).noneMatch((event) -> event.action().startsWith("restart"));
	}

	@Test
	void aStepRunsOnlyWhileItsLockIsHeld() throws Exception {
		StateStore state = new StateStore(dataSource("zdm-fence-unit"), dev.zdm.core.sql.Identifier.of("zdm"));
		state.install();
		this.db.execute("INSERT INTO zdm.zdm_migration (id, checksum, phase) VALUES ('fence-unit', 'c1', 'EXPANDING')");
		try (MigrationLock lock = state.lock("fence-unit", Duration.ZERO);
				Connection connection = this.db.dataSource().getConnection()) {
			connection.setAutoCommit(false);
			assertThat(lock.isHeld()).isTrue();
			assertThat(state.fence(connection, lock, "c1", "test", Phase.EXPANDING)).isEqualTo(Phase.EXPANDING);
			connection.rollback();
			assertThatThrownBy(() -> state.fence(connection, lock, "c2", "run a step", Phase.EXPANDING))
				.isInstanceOf(MigrationBusyException.class).hasMessageContaining("was restarted with another plan");
			connection.rollback();
			assertThatThrownBy(() -> state.fence(connection, lock, "c1", "run a step", Phase.SWITCHED))
				.isInstanceOf(MigrationBusyException.class).hasMessageContaining("is EXPANDING, no longer SWITCHED");
			connection.rollback();
			// Another lock on the same migration is refused while this one holds it.
			assertThatThrownBy(() -> state.lock("fence-unit", Duration.ZERO)).isInstanceOf(MigrationBusyException.class);

			this.db.queryLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
					+ "WHERE application_name = 'zdm-fence-unit' AND datname = current_database()");
			await().until(() -> !lock.isHeld());
			assertThatThrownBy(() -> state.fence(connection, lock, "c1", "run a step", Phase.EXPANDING))
				.isInstanceOf(MigrationBusyException.class).hasMessageContaining("no longer holds the migration's lock");
			connection.rollback();
			// Whoever takes the lock next is the one its fence lets through.
			try (MigrationLock next = state.lock("fence-unit", Duration.ZERO)) {
				assertThat(state.fence(connection, next, "c1", "test", Phase.EXPANDING)).isEqualTo(Phase.EXPANDING);
				assertThatThrownBy(() -> state.fence(connection, lock, "c1", "run a step", Phase.EXPANDING))
					.isInstanceOf(MigrationBusyException.class);
				connection.rollback();
			}
		}
	}

	@Test
	void workThatThrowsMidTransactionIsRolledBackNotCommitted() {
		DdlExecutor ddl = new DdlExecutor(this.db.dataSource(), DdlSettings.defaults(), MigrationListener.NONE);
		assertThatThrownBy(() -> ddl.inTransaction("half-done work", (connection) -> {
			execute(connection, "CREATE TABLE half_done (id int)");
			throw new MigrationException("refused half-way");
		})).isInstanceOf(MigrationException.class).hasMessage("refused half-way");
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'half_done'")).isZero();

		ddl.rehearse("rehearsal", (connection) -> execute(connection, "CREATE TABLE rehearsed (id int)"));
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'rehearsed'")).isZero();
	}

	private Orchestrator orchestrator() {
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults().withInstanceId("safety-tests"));
		zdm.install();
		return zdm;
	}

	/** No version schema, trigger, function, check or new column of the migration is left. */
	private void assertNoTrace(String table, String migrationId, String newColumn) {
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = ?",
				VersionSchema.name(migrationId))).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = ?::regclass AND NOT tgisinternal",
				table)).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_proc WHERE proname LIKE ?",
				ColumnCopy.objectName(migrationId, 1).replace("_", "\\_") + "%")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = ?::regclass AND conname LIKE 'zdm%'",
				table)).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_attribute WHERE attrelid = ?::regclass AND NOT attisdropped "
				+ "AND (attname = ? OR attname LIKE '%zdm%')", table, newColumn)).isZero();
	}

	private String columnDefault(String table, String column) {
		return this.db.queryStrings("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
				+ "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
				+ "WHERE a.attrelid = ?::regclass AND a.attname = ?", table, column).get(0);
	}

	private long advisoryLocks() {
		return this.db.queryLong("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
				+ "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
	}

	private PGSimpleDataSource dataSource(String applicationName) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.db.jdbcUrl());
		dataSource.setUser(this.db.user());
		if (!this.db.password().isEmpty()) {
			dataSource.setPassword(this.db.password());
		}
		dataSource.setApplicationName(applicationName);
		return dataSource;
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}

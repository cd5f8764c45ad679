package dev.zdm.core.migration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Acceptance: rollback from every phase before contract leaves the table exactly as it was, plus the
 * writes made meanwhile, and no trace of zdm.
 */
@ExtendWith(PostgresExtension.class)
class RollbackTests {

	private static final int ROWS = 20_000;

	private final TestDatabase db;

	RollbackTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void createTable() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS accounts CASCADE",
				"CREATE TABLE accounts (id int PRIMARY KEY, balance numeric(12,2) NOT NULL DEFAULT 0, owner text)",
				"INSERT INTO accounts SELECT g, g, 'o' || g FROM generate_series(1, " + ROWS + ") g");
	}

	@ParameterizedTest
	@EnumSource(names = { "EXPANDED", "BACKFILLING", "BACKFILLED", "SWITCHED" })
	void renameRollsBackWithEveryWriteKept(Phase phase) {
		Plan plan = Plan.builder("rename-owner").renameColumn("accounts", "owner", "holder").build();
		String before = shape();
		Orchestrator zdm = reachPhase(plan, phase);
		// Writes through both names while the migration is in this phase.
		this.db.execute("UPDATE accounts SET owner = 'old-side' WHERE id = 1",
				"UPDATE accounts SET holder = 'new-side' WHERE id = 2",
				"INSERT INTO accounts (id, holder) VALUES (" + (ROWS + 1) + ", 'inserted-new')",
				"INSERT INTO accounts (id, owner) VALUES (" + (ROWS + 2) + ", 'inserted-old')");

		assertThat(zdm.rollback("rename-owner").phase()).isEqualTo(Phase.ROLLED_BACK);

		assertThat(shape()).isEqualTo(before);
		assertThat(this.db.queryStrings("SELECT owner FROM accounts WHERE id IN (1, 2, " + (ROWS + 1) + ", "
				+ (ROWS + 2) + ") ORDER BY id")).containsExactly("old-side", "new-side", "inserted-new", "inserted-old");
		assertThat(this.db.queryLong("SELECT count(*) FROM accounts WHERE id BETWEEN 3 AND " + ROWS
				+ " AND owner IS DISTINCT FROM 'o' || id")).isZero();
		assertNoTrace();
	}

	@ParameterizedTest
	@EnumSource(names = { "EXPANDED", "BACKFILLING", "BACKFILLED", "SWITCHED" })
	void typeChangeRollsBackWithEveryWriteKept(Phase phase) {
		Plan plan = Plan.builder("balance-cents")
			.operation(new dev.zdm.core.plan.ChangeColumnType(dev.zdm.core.sql.QualifiedName.parse("accounts"),
					dev.zdm.core.sql.Identifier.of("balance"), "bigint", "round(balance * 100)::bigint",
					"balance_cents / 100.0", dev.zdm.core.sql.Identifier.of("balance_cents"), "0"))
			.build();
		String before = shape();
		Orchestrator zdm = reachPhase(plan, phase);
		this.db.execute("UPDATE accounts SET balance = 12.34 WHERE id = 1",
				"UPDATE accounts SET balance_cents = 5678 WHERE id = 2",
				"INSERT INTO accounts (id, balance_cents) VALUES (" + (ROWS + 1) + ", 999)");

		assertThat(zdm.rollback("balance-cents").phase()).isEqualTo(Phase.ROLLED_BACK);

		assertThat(shape()).isEqualTo(before);
		assertThat(this.db.queryStrings("SELECT balance::text FROM accounts WHERE id IN (1, 2, " + (ROWS + 1)
				+ ") ORDER BY id")).containsExactly("12.34", "56.78", "9.99");
		assertThat(this.db.queryLong("SELECT count(*) FROM accounts WHERE id BETWEEN 3 AND " + ROWS
				+ " AND balance IS DISTINCT FROM id")).isZero();
		assertNoTrace();
	}

	private Orchestrator reachPhase(Plan plan, Phase phase) {
		BackfillSettings slow = BackfillSettings.defaults().withBatchSizes(100, 100, 100).withPause(Duration.ofMillis(20));
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults().withBackfill(
				(phase == Phase.BACKFILLING) ? slow : BackfillSettings.defaults()));
		zdm.install();
		zdm.start(plan);
		if (phase == Phase.BACKFILLING) {
			zdm.advanceTo(plan.id(), Phase.EXPANDED);
			CompletableFuture<MigrationStatus> backfill = CompletableFuture.supplyAsync(() -> zdm.advance(plan.id()));
			await().until(() -> zdm.status(plan.id()).backfill() != null && zdm.status(plan.id()).backfill().rowsDone() > 0);
			assertThat(zdm.status(plan.id()).phase()).isEqualTo(Phase.BACKFILLING);
			// The rollback happens while the backfill runs; the backfill must stop by itself once it has.
			this.afterRollback = () -> assertThat(backfill.join().phase()).isEqualTo(Phase.ROLLED_BACK);
			return zdm;
		}
		this.afterRollback = () -> {
		};
		assertThat(zdm.advanceTo(plan.id(), phase).phase()).isEqualTo(phase);
		return zdm;
	}

	private Runnable afterRollback;

	/** Columns with types, nullability and defaults; constraints; indexes; triggers. */
	private String shape() {
		List<String> columns = this.db.queryStrings("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) "
				+ "|| ' ' || attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-'), ', ' ORDER BY attnum) "
				+ "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
				+ "WHERE attrelid = 'accounts'::regclass AND attnum > 0 AND NOT attisdropped");
		List<String> constraints = this.db.queryStrings("SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), ', ' "
				+ "ORDER BY conname) FROM pg_constraint WHERE conrelid = 'accounts'::regclass");
		List<String> indexes = this.db.queryStrings("SELECT string_agg(indexdef, ', ' ORDER BY indexname) FROM pg_indexes "
				+ "WHERE tablename = 'accounts'");
		long triggers = this.db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'accounts'::regclass AND NOT tgisinternal");
		return columns + " | " + constraints + " | " + indexes + " | triggers=" + triggers;
	}

	private void assertNoTrace() {
		this.afterRollback.run();
		LifecycleUnderLoadTests.assertNoZdmObjectsLeft(this.db, "accounts");
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_backfill_range")).isZero();
	}

}

package dev.zdm.core.migration;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Acceptance: the migrating process's connections are killed mid-backfill; a new orchestrator (another
 * instance) takes over the range once its lease expires, resumes from its checkpoint and finishes with
 * zero mismatches.
 */
@ExtendWith(PostgresExtension.class)
class CrashResumeTests {

	private static final int ROWS = 100_000;

	@Test
	void newInstanceResumesBackfillAfterTheFirstOnesConnectionsAreKilled(TestDatabase db) {
		db.execute("CREATE TABLE products (id bigint PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO products SELECT g, g / 100.0 FROM generate_series(1, " + ROWS + ") g");
		Plan plan = Plan.builder("price-cents").changeColumnType("products", "price", "bigint",
				"round(price * 100)::bigint", "price / 100.0").build();
		// One connection per instance: the kill after exactly ten batches must find no other batch in flight.
		BackfillSettings backfill = BackfillSettings.defaults().withBatchSizes(2000, 2000, 2000)
			.withLeaseDuration(Duration.ofSeconds(2)).withParallelism(1);

		AtomicInteger batches = new AtomicInteger();
		MigrationListener killer = new MigrationListener() {
			@Override
			public void batchCompleted(String migrationId, int operation, int scanned, int updated, Duration time) {
				if (batches.incrementAndGet() == 10) {
					db.queryLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
							+ "WHERE application_name = 'zdm-instance-a' AND pid <> pg_backend_pid()");
				}
			}
		};
		Orchestrator first = new Orchestrator(dataSource(db, "zdm-instance-a"),
				ZdmSettings.defaults().withInstanceId("instance-a").withBackfill(backfill).withListener(killer));
		first.install();
		first.start(plan);
		first.advance("price-cents");
		assertThatThrownBy(() -> first.advance("price-cents")).isInstanceOf(dev.zdm.core.backfill.BackfillException.class);
		long doneBeforeCrash = db.queryLong("SELECT sum(rows_done) FROM zdm.zdm_backfill_range");
		assertThat(doneBeforeCrash).isEqualTo(10 * 2000);
		assertThat(db.queryStrings("SELECT phase FROM zdm.zdm_migration")).containsExactly("BACKFILLING");
		assertThat(db.queryStrings("SELECT lease_owner FROM zdm.zdm_backfill_range WHERE NOT done")).contains("instance-a");

		AtomicLong rowsWrittenBySecond = new AtomicLong();
		MigrationListener counter = new MigrationListener() {
			@Override
			public void batchCompleted(String migrationId, int operation, int scanned, int updated, Duration time) {
				rowsWrittenBySecond.addAndGet(updated);
			}
		};
		Orchestrator second = new Orchestrator(dataSource(db, "zdm-instance-b"),
				ZdmSettings.defaults().withInstanceId("instance-b").withBackfill(backfill).withListener(counter));
		second.start(plan);
		assertThat(second.advance("price-cents").phase()).isEqualTo(Phase.BACKFILLED);

		assertThat(rowsWrittenBySecond.get()).isEqualTo(ROWS - doneBeforeCrash);
		assertThat(db.queryLong("SELECT count(*) FROM products WHERE price__zdm IS DISTINCT FROM round(price * 100)::bigint"))
			.isZero();
		assertThat(second.advanceTo("price-cents", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(db.queryLong("SELECT sum(price) FROM products")).isEqualTo((long) ROWS * (ROWS + 1) / 2);
	}

	@Test
	void expandInterruptedAfterSomeOperationsIsFinishedByAdvancingAgain(TestDatabase db) {
		db.execute("CREATE TABLE orders (id bigint PRIMARY KEY, note text, total numeric(10,2))",
				"INSERT INTO orders SELECT g, 'n' || g, g FROM generate_series(1, 100) g");
		Plan plan = Plan.builder("two-ops").renameColumn("orders", "note", "remark")
			.changeColumnType("orders", "total", "bigint", "round(total * 100)::bigint", "total_cents / 100.0",
					"total_cents")
			.build();
		Orchestrator zdm = new Orchestrator(db.dataSource(), ZdmSettings.defaults());
		zdm.install();
		zdm.start(plan);
		// An event trigger makes the second operation's ALTER TABLE fail, as a crash in the middle of
		// expand would: the first operation's step has committed, the second's has not.
		db.execute("CREATE OR REPLACE FUNCTION fail_second() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN "
				+ "IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'total_cents') "
				+ "THEN RAISE EXCEPTION 'simulated crash'; END IF; END $$",
				"CREATE EVENT TRIGGER fail_second ON ddl_command_end WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION fail_second()");
		try {
			assertThatThrownBy(() -> zdm.advance("two-ops")).hasMessageContaining("simulated crash");
		}
		finally {
			db.execute("DROP EVENT TRIGGER fail_second", "DROP FUNCTION fail_second()");
		}
		assertThat(zdm.status("two-ops").phase()).isEqualTo(Phase.EXPANDING);
		assertThat(zdm.status("two-ops").error()).contains("simulated crash");
		assertThat(LifecycleUnderLoadTests.columns(db, "orders")).containsExactly("id", "note", "total", "remark");

		assertThat(zdm.advance("two-ops").phase()).isEqualTo(Phase.EXPANDED);
		assertThat(zdm.status("two-ops").error()).isNull();
		assertThat(zdm.advanceTo("two-ops", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(LifecycleUnderLoadTests.columns(db, "orders")).containsExactly("id", "remark", "total_cents");
		assertThat(db.queryLong("SELECT sum(total_cents) FROM orders")).isEqualTo(5050 * 100);
	}

	private static PGSimpleDataSource dataSource(TestDatabase db, String applicationName) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(db.jdbcUrl());
		dataSource.setUser(db.user());
		if (!db.password().isEmpty()) {
			dataSource.setPassword(db.password());
		}
		dataSource.setApplicationName(applicationName);
		return dataSource;
	}

}

package dev.zdm.core.migration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.state.MigrationEvent;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Controls and failures of a running backfill: pause, resume and cancel; a batch over the batch timeout
 * split in two; transient errors retried, then failing with the reason and resumed from the checkpoint; a
 * failing 'up' naming the key of its row.
 */
@ExtendWith(PostgresExtension.class)
class BackfillControlTests {

	/** Threads for work that blocks (a backfill, a waiting session): never the common pool. */
	private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newCachedThreadPool();

	private static final Duration WAIT = Duration.ofSeconds(120);

	private final TestDatabase db;

	BackfillControlTests(TestDatabase db) {
		this.db = db;
	}

	private static BackfillSettings slow() {
		return BackfillSettings.defaults().withBatchSizes(200, 200, 200).withPause(Duration.ofMillis(10))
			.withThrottle(ThrottleSettings.off().withCheckInterval(Duration.ofMillis(100)));
	}

	private Orchestrator orchestrator(String instance, BackfillSettings settings, MigrationListener listener) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.db.jdbcUrl());
		dataSource.setUser(this.db.user());
		if (!this.db.password().isEmpty()) {
			dataSource.setPassword(this.db.password());
		}
		dataSource.setApplicationName("zdm-engine-" + instance);
		Orchestrator zdm = new Orchestrator(dataSource, ZdmSettings.defaults().withInstanceId(instance)
			.withBackfill(settings).withListener(listener));
		zdm.install();
		return zdm;
	}

	private long rowsDone(String id) {
		return this.db.queryLong("SELECT coalesce(sum(rows_done), 0) FROM zdm.zdm_backfill_range WHERE migration_id = ?", id);
	}

	@Test
	void pausedBackfillHoldsNothingSurvivesARestartAndResumesFromItsCheckpoint() throws Exception {
		this.db.execute("CREATE TABLE paused (id bigint PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO paused SELECT g, g / 100.0 FROM generate_series(1, 30000) g");
		Plan plan = Plan.builder("pause-me").changeColumnType("paused", "price", "bigint", "round(price * 100)::bigint",
				"price / 100.0").build();
		Orchestrator first = orchestrator("pause-a", slow(), MigrationListener.NONE);
		first.start(plan);
		first.advance("pause-me");
		CompletableFuture<MigrationStatus> running = CompletableFuture.supplyAsync(() -> first.advance("pause-me"), THREADS);
		await().atMost(WAIT).until(() -> rowsDone("pause-me") > 0);
		// Progress while it runs: rows done and estimated, the rate, an ETA, the batch size, no throttle.
		await().atMost(WAIT).until(() -> first.status("pause-me").backfill().rowsPerSecond() > 0);
		dev.zdm.core.backfill.BackfillProgress progress = first.status("pause-me").backfill();
		assertThat(progress.state()).isEqualTo("RUNNING");
		assertThat(progress.rowsTotal()).isGreaterThanOrEqualTo(progress.rowsDone());
		assertThat(progress.batchSize()).isEqualTo(200);
		assertThat(progress.throttle()).isNull();
		if (progress.rangesDone() < progress.ranges()) {
			assertThat(progress.eta()).isNotNull();
		}
		first.pause("pause-me", "peak hours");
		assertThatThrownBy(() -> running.get(120, TimeUnit.SECONDS)).hasCauseInstanceOf(MigrationPausedException.class)
			.hasMessageContaining("paused").hasMessageContaining("peak hours");

		// Nothing held: no lease, no session of zdm's in a transaction or holding a lock on the table.
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_backfill_range WHERE migration_id = 'pause-me' "
				+ "AND lease_owner IS NOT NULL")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'zdm-engine-pause%' "
				+ "AND xact_start IS NOT NULL")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
				+ "WHERE a.application_name LIKE 'zdm-engine-pause%' AND l.relation = 'paused'::regclass")).isZero();
		long done = rowsDone("pause-me");
		assertThat(done).isPositive().isLessThan(30000);
		assertThat(first.status("pause-me").error()).isNull();

		// Another instance (a restart) finds it paused, and cannot advance it until it is resumed.
		AtomicLong written = new AtomicLong();
		Orchestrator second = orchestrator("pause-b", slow(), new MigrationListener() {
			@Override
			public void batchCompleted(String migrationId, int operation, int scanned, int updated, Duration time) {
				written.addAndGet(updated);
			}
		});
		second.start(plan);
		assertThat(second.status("pause-me").backfill().state()).isEqualTo("PAUSED");
		assertThatThrownBy(() -> second.advance("pause-me")).isInstanceOf(MigrationPausedException.class)
			.hasMessageContaining("resume");
		assertThat(rowsDone("pause-me")).isEqualTo(done);
		assertThat(second.resume("pause-me", "night").backfill().state()).isEqualTo("RUNNING");
		assertThat(second.advance("pause-me").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(written.get()).isEqualTo(30000 - done);
		assertThat(this.db.queryLong("SELECT count(*) FROM paused WHERE price__zdm IS DISTINCT FROM round(price * 100)::bigint"))
			.isZero();
		List<String> actions = second.events("pause-me").stream().map(MigrationEvent::action).toList();
		assertThat(actions).contains("pause", "resume");
		assertThat(second.advanceTo("pause-me", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void cancelStopsTheRunningBackfillAndRollsTheMigrationBack() throws Exception {
		this.db.execute("CREATE TABLE cancelled (id bigint PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO cancelled SELECT g, g / 100.0 FROM generate_series(1, 30000) g");
		Plan plan = Plan.builder("cancel-me").changeColumnType("cancelled", "price", "bigint",
				"round(price * 100)::bigint", "price / 100.0").build();
		Orchestrator zdm = orchestrator("cancel", slow(), MigrationListener.NONE);
		zdm.start(plan);
		zdm.advance("cancel-me");
		CompletableFuture<MigrationStatus> running = CompletableFuture.supplyAsync(() -> zdm.advance("cancel-me"), THREADS);
		await().atMost(WAIT).until(() -> rowsDone("cancel-me") > 0);
		assertThat(zdm.cancel("cancel-me", "wrong plan").phase()).isEqualTo(Phase.ROLLED_BACK);
		try {
			running.get(120, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// Stopping by the cancel is one of the two ways the running advance may end.
			assertThat(ex).hasMessageContaining("cancel");
		}
		assertThat(LifecycleUnderLoadTests.columns(this.db, "cancelled")).containsExactly("id", "price");
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_backfill_range WHERE migration_id = 'cancel-me'")).isZero();
		assertThat(zdm.events("cancel-me").stream().map(MigrationEvent::action)).contains("cancel", "rollback");
		assertThat(this.db.queryLong("SELECT sum(price * 100)::bigint FROM cancelled")).isEqualTo(30000L * 30001 / 2);
	}

	@Test
	void batchOverTheBatchTimeoutIsSplitInTwo() {
		this.db.execute("CREATE FUNCTION slow_cents(p numeric) RETURNS bigint IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN "
				+ "IF p >= 10 AND p < 10.3 THEN PERFORM pg_sleep(0.02); END IF; RETURN round(p * 100); END $$",
				"CREATE TABLE timed (id bigint PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO timed SELECT g, g / 100.0 FROM generate_series(1, 3000) g");
		List<int[]> splits = new CopyOnWriteArrayList<>();
		BackfillSettings settings = slow().withBatchSizes(200, 200, 200).withBatchTimeout(Duration.ofMillis(400))
			.withParallelism(1);
		Orchestrator zdm = orchestrator("split", settings, new MigrationListener() {
			@Override
			public void batchSplit(String migrationId, int operation, int rows, int newRows) {
				splits.add(new int[] { rows, newRows });
			}
		});
		zdm.start(Plan.builder("split-me").changeColumnType("timed", "price", "bigint", "slow_cents(price)",
				"price / 100.0").build());
		assertThat(zdm.advanceTo("split-me", Phase.BACKFILLED).phase()).isEqualTo(Phase.BACKFILLED);
		// The 30 slow rows take 0.6 s at least, over the 0.4 s allowed: that batch of 200 is split in two.
		assertThat(splits).isNotEmpty();
		assertThat(splits.get(0)).containsExactly(200, 100);
		assertThat(this.db.queryLong("SELECT count(*) FROM timed WHERE price__zdm IS DISTINCT FROM round(price * 100)::bigint"))
			.isZero();
		assertThat(rowsDone("split-me")).isEqualTo(3000);
	}

	@Test
	void transientErrorsAreRetriedThenTheBackfillFailsAndAdvancingAgainResumesFromTheCheckpoint() {
		this.db.execute("CREATE TABLE flaky_switch (broken boolean NOT NULL)", "INSERT INTO flaky_switch VALUES (true)",
				"CREATE FUNCTION flaky_cents(p numeric) RETURNS bigint IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN "
						+ "IF p >= 50 AND (SELECT broken FROM flaky_switch) THEN "
						+ "RAISE EXCEPTION 'simulated serialization failure' USING ERRCODE = '40001'; END IF; "
						+ "RETURN round(p * 100); END $$",
				"CREATE TABLE flaky (id bigint PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO flaky SELECT g, g / 100.0 FROM generate_series(1, 10000) g");
		AtomicInteger retries = new AtomicInteger();
		AtomicLong written = new AtomicLong();
		BackfillSettings settings = slow().withBatchSizes(500, 500, 500).withPause(Duration.ZERO).withParallelism(1)
			.withRetries(2, Duration.ofMillis(10));
		Orchestrator zdm = orchestrator("retry", settings, new MigrationListener() {
			@Override
			public void batchRetry(String migrationId, int operation, int attempt, Duration delay, String reason) {
				retries.incrementAndGet();
			}

			@Override
			public void batchCompleted(String migrationId, int operation, int scanned, int updated, Duration time) {
				written.addAndGet(updated);
			}
		});
		zdm.start(Plan.builder("retry-me").changeColumnType("flaky", "price", "bigint", "flaky_cents(price)",
				"price / 100.0").build());
		zdm.advance("retry-me");
		assertThatThrownBy(() -> zdm.advance("retry-me")).hasMessageContaining("after 3 attempts")
			.hasMessageContaining("simulated serialization failure")
			.hasMessageContaining("Advance again to resume from the checkpoint");
		assertThat(retries.get()).isEqualTo(2);
		assertThat(zdm.status("retry-me").error()).contains("simulated serialization failure");
		assertThat(zdm.status("retry-me").phase()).isEqualTo(Phase.BACKFILLING);
		// Rows 1-4500 were written by the nine batches before the failing one, which was rolled back.
		assertThat(rowsDone("retry-me")).isEqualTo(4500);

		this.db.execute("UPDATE flaky_switch SET broken = false");
		written.set(0);
		assertThat(zdm.advance("retry-me").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(written.get()).isEqualTo(10000 - 4500);
		assertThat(this.db.queryLong("SELECT count(*) FROM flaky WHERE price__zdm IS DISTINCT FROM round(price * 100)::bigint"))
			.isZero();
	}

	@Test
	void failingUpNamesTheKeyOfTheRow() {
		this.db.execute("CREATE TABLE coded (tenant int, id bigint, code text, PRIMARY KEY (tenant, id))",
				"INSERT INTO coded SELECT g % 3, g, g::text FROM generate_series(1, 6000) g",
				"UPDATE coded SET code = '12x7' WHERE id = 3217");
		Orchestrator zdm = orchestrator("badrow", slow().withBatchSizes(1000, 1000, 1000).withPause(Duration.ZERO),
				MigrationListener.NONE);
		zdm.start(Plan.builder("bad-row").changeColumnType("coded", "code", "integer", "code::integer", "code::text")
			.build());
		zdm.advance("bad-row");
		assertThatThrownBy(() -> zdm.advance("bad-row")).hasMessageContaining("(tenant, id)=(1, 3217)")
			.hasMessageContaining("invalid input syntax for type integer")
			.hasMessageContaining("advance again");
		this.db.execute("UPDATE coded SET code = '1217' WHERE id = 3217");
		assertThat(zdm.advance("bad-row").phase()).isEqualTo(Phase.BACKFILLED);
	}

	@Test
	void eachBatchVerifiesWhatItWroteWithoutAFinalScan() {
		// An 'up' declared immutable that is not: each call gives another value, so what a batch writes never
		// matches 'up' read back.
		this.db.execute("CREATE SEQUENCE drift", "CREATE FUNCTION drifting_cents(p numeric) RETURNS bigint IMMUTABLE "
				+ "LANGUAGE sql AS $$ SELECT round(p * 100)::bigint + nextval('drift') $$",
				"CREATE TABLE drifting (id bigint PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO drifting SELECT g, g / 100.0 FROM generate_series(1, 2000) g");
		Orchestrator zdm = orchestrator("drift", slow().withBatchSizes(500, 500, 500).withPause(Duration.ZERO),
				MigrationListener.NONE);
		zdm.start(Plan.builder("drift").changeColumnType("drifting", "price", "bigint", "drifting_cents(price)",
				"price / 100.0").build());
		zdm.advance("drift");
		assertThatThrownBy(() -> zdm.advance("drift")).hasMessageContaining("found 2000 rows whose new value differs");
		// The ranges were reset for a rerun.
		assertThat(this.db.queryLong("SELECT sum(rows_done) FROM zdm.zdm_backfill_range WHERE migration_id = 'drift'"))
			.isZero();
		assertThat(zdm.status("drift").phase()).isEqualTo(Phase.BACKFILLING);
		zdm.rollback("drift");
	}

}

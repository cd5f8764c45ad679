package dev.zdm.core.migration;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A graceful stop of one instance during a shared backfill: its batch in flight commits, its leases are
 * released at once so the other instance finishes without waiting for them to expire (they would last ten
 * minutes), no error is recorded, the migration stays {@code BACKFILLING}, and no row is written twice or lost.
 */
@ExtendWith(PostgresExtension.class)
class GracefulStopTests {

	private static final ExecutorService THREADS = Executors.newCachedThreadPool();

	private static final int ROWS = 30_000;

	private final TestDatabase db;

	GracefulStopTests(TestDatabase db) {
		this.db = db;
	}

	@AfterAll
	static void shutdown() {
		THREADS.shutdownNow();
	}

	/** Rows written by one instance's committed batches. */
	private static final class Written implements MigrationListener {

		final AtomicLong rows = new AtomicLong();

		@Override
		public void batchCompleted(String migrationId, int operation, int rowsScanned, int rowsUpdated, Duration time) {
			this.rows.addAndGet(rowsUpdated);
		}

	}

	private Orchestrator instance(String name, MigrationListener listener) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.db.jdbcUrl());
		dataSource.setUser(this.db.user());
		if (!this.db.password().isEmpty()) {
			dataSource.setPassword(this.db.password());
		}
		dataSource.setApplicationName("zdm-stop-" + name);
		// Slow enough to stop in the middle; leases far longer than the test may wait.
		BackfillSettings settings = BackfillSettings.defaults().withBatchSizes(200, 200, 200).withRanges(16, 1000)
			.withParallelism(2).withMaxRowsPerSecond(2_000).withLeaseDuration(Duration.ofMinutes(10))
			.withThrottle(ThrottleSettings.off());
		Orchestrator zdm = new Orchestrator(dataSource, ZdmSettings.defaults().withInstanceId("stop-" + name)
			.withBackfill(settings).withListener(listener));
		zdm.install();
		return zdm;
	}

	private long leasesOf(String owner) {
		return this.db.queryLong("SELECT count(*) FROM zdm.zdm_backfill_range WHERE NOT done AND lease_owner LIKE ? "
				+ "AND lease_until > now()", owner + "%");
	}

	@Test
	void aStoppedInstanceReleasesItsRangesAtOnceAndRecordsNoError() throws Exception {
		this.db.execute("CREATE TABLE items (id bigint PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO items SELECT g, g / 100.0 FROM generate_series(1, " + ROWS + ") g");
		Plan plan = Plan.builder("stop-me").changeColumnType("items", "price", "bigint", "round(price * 100)::bigint",
				"price / 100.0").build();
		Written byA = new Written();
		Written byB = new Written();
		Orchestrator a = instance("a", byA);
		Orchestrator b = instance("b", byB);
		a.start(plan);
		b.start(plan);
		a.advance("stop-me");
		CompletableFuture<MigrationStatus> runA = CompletableFuture.supplyAsync(() -> a.advance("stop-me"), THREADS);
		await().atMost(Duration.ofMinutes(1)).until(() -> byA.rows.get() > 0 && leasesOf("stop-a") > 0);
		CompletableFuture<MigrationStatus> runB = CompletableFuture.supplyAsync(() -> b.advance("stop-me"), THREADS);
		await().atMost(Duration.ofMinutes(1)).until(() -> byB.rows.get() > 0);

		a.stop();

		assertThatThrownBy(() -> runA.get(1, TimeUnit.MINUTES)).hasCauseInstanceOf(MigrationStoppedException.class)
			.hasMessageContaining("stop-me").hasMessageContaining("released");
		assertThat(leasesOf("stop-a")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'zdm-stop-a' "
				+ "AND xact_start IS NOT NULL")).isZero();
		long writtenByA = byA.rows.get();
		assertThat(writtenByA).isPositive().isLessThan(ROWS);
		// Stopped, it does not start again until resumed.
		assertThatThrownBy(() -> a.advance("stop-me")).isInstanceOf(MigrationStoppedException.class);
		assertThat(byA.rows.get()).isEqualTo(writtenByA);

		// The other instance finishes the ranges the stopped one held, long before their leases would expire.
		assertThat(runB.get(2, TimeUnit.MINUTES).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(byA.rows.get() + byB.rows.get()).isEqualTo(ROWS);
		assertThat(this.db.queryLong("SELECT count(*) FROM items WHERE price__zdm IS DISTINCT FROM round(price * 100)::bigint"))
			.isZero();
		MigrationStatus status = b.status("stop-me");
		assertThat(status.error()).isNull();
		assertThat(b.events("stop-me")).noneMatch((event) -> event.action().endsWith("-failed"));

		a.resumeAfterStop();
		assertThat(a.isStopped()).isFalse();
		assertThat(a.advance("stop-me").phase()).isEqualTo(Phase.SWITCHED);
	}

	@Test
	void aStopWhileAloneLeavesTheMigrationBackfillingForTheNextStart() throws Exception {
		this.db.execute("CREATE TABLE things (id bigint PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO things SELECT g, g / 100.0 FROM generate_series(1, " + ROWS + ") g");
		Plan plan = Plan.builder("stop-alone").changeColumnType("things", "price", "bigint", "round(price * 100)::bigint",
				"price / 100.0").build();
		Written byC = new Written();
		Orchestrator c = instance("c", byC);
		c.start(plan);
		c.advance("stop-alone");
		CompletableFuture<MigrationStatus> run = CompletableFuture.supplyAsync(() -> c.advance("stop-alone"), THREADS);
		await().atMost(Duration.ofMinutes(1)).until(() -> byC.rows.get() > 0);
		c.stop();
		assertThatThrownBy(() -> run.get(1, TimeUnit.MINUTES)).hasCauseInstanceOf(MigrationStoppedException.class);
		MigrationStatus stopped = c.status("stop-alone");
		assertThat(stopped.phase()).isEqualTo(Phase.BACKFILLING);
		assertThat(stopped.error()).isNull();
		assertThat(c.events("stop-alone")).noneMatch((event) -> event.action().endsWith("-failed"));
		assertThat(leasesOf("stop-c")).isZero();

		// The next start (a new instance) goes on from the checkpoints: every row written exactly once.
		Written byD = new Written();
		Orchestrator d = instance("d", byD);
		d.start(plan);
		assertThat(d.advance("stop-alone").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(byC.rows.get() + byD.rows.get()).isEqualTo(ROWS);
	}

}

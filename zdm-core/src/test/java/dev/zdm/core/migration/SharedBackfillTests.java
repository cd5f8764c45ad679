package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances share one backfill of a table with a key that is not one integer (uuid, text, composite):
 * its key space is split by the keys' distribution, every row is visited exactly once, an instance killed in
 * the middle of a range leaves it to the other, and writers running meanwhile lose nothing.
 */
@ExtendWith(PostgresExtension.class)
class SharedBackfillTests {

	/** Threads for work that blocks (a backfill, a waiting session): never the common pool. */
	private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newCachedThreadPool();

	private static final Duration WAIT = Duration.ofSeconds(180);

	private static final int ROWS = 8_000;

	private final TestDatabase db;

	SharedBackfillTests(TestDatabase db) {
		this.db = db;
	}

	/** Visits and writes of one instance. */
	private static final class Counts implements MigrationListener {

		final AtomicLong scanned = new AtomicLong();

		final AtomicLong updated = new AtomicLong();

		final AtomicInteger batches = new AtomicInteger();

		@Override
		public void batchCompleted(String migrationId, int operation, int rowsScanned, int rowsUpdated, Duration time) {
			this.scanned.addAndGet(rowsScanned);
			this.updated.addAndGet(rowsUpdated);
			this.batches.incrementAndGet();
		}

	}

	private Orchestrator instance(String name, Counts counts, Duration lease) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.db.jdbcUrl());
		dataSource.setUser(this.db.user());
		if (!this.db.password().isEmpty()) {
			dataSource.setPassword(this.db.password());
		}
		dataSource.setApplicationName("zdm-engine-shared-" + name);
		// A pause of 50 ms after each batch of 100 rows: an instance alone takes seconds for the table, so the other
		// joins while it works, however slowly a busy test machine starts it.
		BackfillSettings settings = BackfillSettings.defaults().withBatchSizes(100, 100, 100)
			.withPause(Duration.ofMillis(50)).withRanges(16, 500).withLeaseDuration(lease)
			.withThrottle(ThrottleSettings.off());
		Orchestrator zdm = new Orchestrator(dataSource, ZdmSettings.defaults().withInstanceId("shared-" + name)
			.withBackfill(settings).withListener(counts));
		zdm.install();
		return zdm;
	}

	private Plan plan(String id, String table) {
		return Plan.builder(id).changeColumnType(table, "amount", "integer", "(amount * 10)::integer",
				"amount_tenths / 10.0", "amount_tenths").build();
	}

	private void table(String table, String keyColumns, String keyValues) {
		this.db.execute("CREATE TABLE " + table + " (" + keyColumns + ", amount numeric(8,2) NOT NULL)",
				"INSERT INTO " + table + " SELECT " + keyValues + ", (g % 1000) / 10.0 FROM generate_series(1, " + ROWS
						+ ") g",
				"ANALYZE " + table);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiterString = " ;; ", quoteCharacter = '`', value = {
			"uuid      ;; shared_uuid      ;; id uuid PRIMARY KEY                             ;; md5(g::text)::uuid",
			"text      ;; shared_text      ;; code text PRIMARY KEY                           ;; 'k' || md5(g::text)",
			"composite ;; shared_composite ;; tenant int, id bigint, PRIMARY KEY (tenant, id) ;; g % 7, g * 3" })
	void twoInstancesShareTheBackfillAndVisitEveryRowExactlyOnce(String name, String table, String keyColumns,
			String keyValues) throws Exception {
		table(table, keyColumns, keyValues);
		String id = "shared-" + name;
		Counts a = new Counts();
		Counts b = new Counts();
		Orchestrator first = instance(name + "-a", a, Duration.ofSeconds(60));
		Orchestrator second = instance(name + "-b", b, Duration.ofSeconds(60));
		first.start(plan(id, table));
		second.start(plan(id, table));
		first.advance(id);
		CompletableFuture<MigrationStatus> one = CompletableFuture.supplyAsync(() -> first.advance(id), THREADS);
		await().atMost(WAIT).until(() -> first.status(id).phase() != Phase.EXPANDED);
		CompletableFuture<MigrationStatus> two = CompletableFuture.supplyAsync(() -> second.advance(id), THREADS);
		assertThat(one.get(180, TimeUnit.SECONDS).phase()).isIn(Phase.BACKFILLING, Phase.BACKFILLED);
		assertThat(two.get(180, TimeUnit.SECONDS).phase()).isIn(Phase.BACKFILLING, Phase.BACKFILLED);
		assertThat(first.status(id).phase()).isEqualTo(Phase.BACKFILLED);

		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_backfill_range WHERE migration_id = ?", id))
			.isGreaterThan(4);
		assertThat(a.scanned.get()).isPositive();
		assertThat(b.scanned.get()).isPositive();
		// Every row visited by exactly one instance, and written once.
		assertThat(a.scanned.get() + b.scanned.get()).isEqualTo(ROWS);
		assertThat(a.updated.get() + b.updated.get()).isEqualTo(ROWS);
		assertThat(first.advanceTo(id, Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT sum(amount_tenths) FROM " + table))
			.isEqualTo(this.db.queryLong("SELECT sum(g % 1000) FROM generate_series(1, " + ROWS + ") g"));
	}

	@Test
	void anInstanceKilledInTheMiddleOfARangeLeavesItToTheOther() throws Exception {
		table("shared_killed", "id uuid PRIMARY KEY", "md5(g::text)::uuid");
		String id = "shared-killed";
		Counts a = new Counts();
		Counts b = new Counts();
		Orchestrator first = instance("killed-a", a, Duration.ofSeconds(2));
		Orchestrator second = instance("killed-b", b, Duration.ofSeconds(2));
		first.start(plan(id, "shared_killed"));
		second.start(plan(id, "shared_killed"));
		first.advance(id);
		CompletableFuture<MigrationStatus> one = CompletableFuture.supplyAsync(() -> first.advance(id), THREADS);
		await().atMost(WAIT).until(() -> a.batches.get() >= 6);
		CompletableFuture<MigrationStatus> two = CompletableFuture.supplyAsync(() -> second.advance(id), THREADS);
		await().atMost(WAIT).until(() -> b.batches.get() >= 1);
		this.db.queryLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
				+ "WHERE application_name = 'zdm-engine-shared-killed-a'");
		try {
			one.get(180, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// The killed instance fails; what matters is that the other finishes its ranges.
		}
		long killedAt = a.scanned.get();
		assertThat(two.get(180, TimeUnit.SECONDS).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(a.scanned.get()).isEqualTo(killedAt).isPositive().isLessThan(ROWS);
		// What the instances heard: every row once, but for at most the one batch (100 rows) of the killed instance
		// that may have committed, with its checkpoint, while its session was being terminated, before it could hear
		// the commit's answer. The ranges' own counts, committed with each batch, are exact.
		assertThat(a.scanned.get() + b.scanned.get()).isBetween(ROWS - 100L, (long) ROWS);
		assertThat(this.db.queryLong("SELECT sum(rows_done) FROM zdm.zdm_backfill_range WHERE migration_id = ?", id))
			.isEqualTo(ROWS);
		assertThat(this.db.queryLong("SELECT count(*) FROM shared_killed WHERE amount_tenths IS DISTINCT FROM "
				+ "(amount * 10)::integer")).isZero();
	}

	@Test
	void writersDuringASharedUuidBackfillLoseNothing() throws Exception {
		table("shared_written", "id uuid PRIMARY KEY", "md5(g::text)::uuid");
		String id = "shared-written";
		Orchestrator first = instance("written-a", new Counts(), Duration.ofSeconds(60));
		Orchestrator second = instance("written-b", new Counts(), Duration.ofSeconds(60));
		first.start(plan(id, "shared_written"));
		second.start(plan(id, "shared_written"));
		first.advance(id);
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicLong writes = new AtomicLong();
		java.util.Map<Integer, java.math.BigDecimal> expected = new java.util.concurrent.ConcurrentHashMap<>();
		List<CompletableFuture<Void>> writers = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			int writer = w;
			writers.add(CompletableFuture.runAsync(() -> {
				try (Connection connection = this.db.dataSource().getConnection();
						PreparedStatement update = connection.prepareStatement(
								"UPDATE shared_written SET amount = ? WHERE id = md5(?::text)::uuid");
						PreparedStatement insert = connection.prepareStatement(
								"INSERT INTO shared_written (id, amount) VALUES (md5(?::text)::uuid, ?)")) {
					long next = 1_000_000L * (writer + 1);
					while (writing.get()) {
						if (ThreadLocalRandom.current().nextBoolean()) {
							// Each writer owns the rows congruent to its number, so the last write to each is known.
							int row = 4 * ThreadLocalRandom.current().nextInt(ROWS / 4) + writer;
							row = (row == 0) ? 4 : row;
							java.math.BigDecimal value = java.math.BigDecimal.valueOf(next % 5000, 1);
							update.setBigDecimal(1, value);
							update.setInt(2, row);
							update.executeUpdate();
							expected.put(row, value);
						}
						else {
							insert.setLong(1, next++);
							insert.setBigDecimal(2, java.math.BigDecimal.valueOf(next % 500, 1));
							insert.executeUpdate();
						}
						writes.incrementAndGet();
					}
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}, THREADS));
		}
		try {
			CompletableFuture<MigrationStatus> one = CompletableFuture.supplyAsync(() -> first.advance(id), THREADS);
			await().atMost(WAIT).until(() -> first.status(id).phase() != Phase.EXPANDED);
			CompletableFuture<MigrationStatus> two = CompletableFuture.supplyAsync(() -> second.advance(id), THREADS);
			one.get(180, TimeUnit.SECONDS);
			two.get(180, TimeUnit.SECONDS);
			assertThat(first.status(id).phase()).isEqualTo(Phase.BACKFILLED);
		}
		finally {
			writing.set(false);
			for (CompletableFuture<Void> writer : writers) {
				writer.get(60, TimeUnit.SECONDS);
			}
		}
		assertThat(writes.get()).isPositive();
		long rows = this.db.queryLong("SELECT count(*) FROM shared_written");
		assertThat(rows).isGreaterThan(ROWS);
		// Zero mismatches: every row, old or inserted meanwhile, carries the new value of its latest write.
		assertThat(this.db.queryLong("SELECT count(*) FROM shared_written WHERE amount_tenths IS DISTINCT FROM "
				+ "(amount * 10)::integer")).isZero();
		assertThat(first.advanceTo(id, Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT count(*) FROM shared_written")).isEqualTo(rows);
		// Every update the writers made is there, through the new column.
		assertThat(expected).isNotEmpty();
		String values = expected.entrySet().stream().map((e) -> "(" + e.getKey() + ", " + e.getValue() + ")")
			.collect(java.util.stream.Collectors.joining(", "));
		assertThat(this.db.queryLong("SELECT count(*) FROM (VALUES " + values + ") AS w(g, amount) JOIN shared_written s "
				+ "ON s.id = md5(w.g::text)::uuid WHERE s.amount_tenths = (w.amount * 10)::integer")).isEqualTo(expected.size());
	}

}

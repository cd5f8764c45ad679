package dev.zdm.benchmarks;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.Throttle;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.plan.Plan;

/**
 * The load scenario: a pgbench-style {@link Load} (single-row {@code UPDATE} and {@code SELECT} by random id,
 * from {@code zdm.bench.clients} Java threads, 4 by default) runs on a table while zdm backfills a
 * {@code changeColumnType} of it, once with every throttle signal off ("unthrottled") and once with the
 * default settings. Each mode measures the load's baseline on its own fresh table first, in the same run,
 * then the load from the start of the backfill to {@code BACKFILLED}: its worst second (transactions
 * against the baseline's median second), p99 and max latency, errors, and the backfill's rate.
 * <p>
 * Run through {@link BackfillBenchmark} with {@code -Dzdm.bench.scenario=load}; further properties
 * {@code zdm.bench.rows}, {@code zdm.bench.clients}, {@code zdm.bench.baseline-seconds} (10).
 */
final class LoadBenchmark {

	private final DataSource dataSource;

	private final int rows;

	private final int clients;

	private final int baselineSeconds;

	private int tables;

	/** {@code -Dzdm.bench.trace=true}: prints the load's seconds and the throttle's events of each mode. */
	private static final boolean TRACE = Boolean.getBoolean("zdm.bench.trace");

	/** Prints throttle events and batch sizes, in ms from the start of the mode's migration. */
	record TraceListener(long origin) implements MigrationListener {

		@Override
		public void throttled(String migrationId, Throttle throttle) {
			System.out.printf("  %6d ms throttled %s%n", (System.nanoTime() - this.origin) / 1_000_000, throttle);
		}

		@Override
		public void phaseChanged(String migrationId, Phase from, Phase to) {
			System.out.printf("  %6d ms %s -> %s%n", (System.nanoTime() - this.origin) / 1_000_000, from, to);
		}

		@Override
		public void throttleCleared(String migrationId, Throttle throttle) {
			System.out.printf("  %6d ms cleared %s%n", (System.nanoTime() - this.origin) / 1_000_000, throttle.signal());
		}

		@Override
		public void batchCompleted(String migrationId, int operation, int rowsScanned, int rowsUpdated,
				Duration time) {
			if (Boolean.getBoolean("zdm.bench.trace-batches")) {
				System.out.printf("  %6d ms batch %d rows %d ms [%s]%n", (System.nanoTime() - this.origin) / 1_000_000,
						rowsScanned, time.toMillis(), Thread.currentThread().getName());
			}
		}

	}

	/**
	 * {@code -Dzdm.bench.control-seconds=N}: after each mode's baseline, the same load for {@code N} more seconds
	 * with no migration, its median and worst second printed against the baseline: how low a second of this load
	 * falls on its own, over a window as long as a backfill's.
	 */
	private static final int CONTROL_SECONDS = Integer.getInteger("zdm.bench.control-seconds", 0);

	/** {@code -Dzdm.bench.warmup-seconds=N}: how long the load runs on its fresh table before its baseline (2). */
	private static final int WARMUP_SECONDS = Integer.getInteger("zdm.bench.warmup-seconds", 2);

	LoadBenchmark(DataSource dataSource, int rows) {
		this.dataSource = dataSource;
		this.rows = rows;
		this.clients = Integer.getInteger("zdm.bench.clients", 4);
		this.baselineSeconds = Integer.getInteger("zdm.bench.baseline-seconds", 10);
	}

	/** One measured mode. */
	private record Result(String mode, double baselineTps, double expandedTps, double worstSecondTps, double p99Ms, double maxMs,
			long errors, long backfillMs) {
	}

	void run() throws Exception {
		System.out.printf("PostgreSQL %s, autovacuum %s, %,d rows, %d load clients, baseline %d s per mode%n%n",
				queryString("SELECT current_setting('server_version')"), queryString("SELECT current_setting('autovacuum')"),
				this.rows, this.clients, this.baselineSeconds);
		List<Result> results = new ArrayList<>();
		results.add(measure("unthrottled (signals off, parallelism 2)",
				BackfillSettings.defaults().withThrottle(ThrottleSettings.off())));
		BackfillSettings defaults = BackfillSettings.defaults();
		if (System.getProperty("zdm.bench.max-vacuum-wait") != null) {
			// A trial: the vacuum signal's wait (seconds; 0 turns it off).
			defaults = defaults.withThrottle(defaults.throttle()
				.withMaxVacuumWait(Duration.ofSeconds(Long.getLong("zdm.bench.max-vacuum-wait"))));
		}
		results.add(measure("default settings", defaults));
		System.out.println("| mode | load baseline (tx/s) | median second, trigger only (x baseline) "
				+ "| worst second (x baseline) | p99 latency | max latency | errors | backfill time | backfill rows/s |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
		for (Result result : results) {
			System.out.printf("| %s | %,.0f | %.2f | %.2f | %.1f ms | %.1f ms | %d | %,d ms | %,d |%n", result.mode(),
					result.baselineTps(), result.expandedTps() / result.baselineTps(),
					result.worstSecondTps() / result.baselineTps(), result.p99Ms(), result.maxMs(),
					result.errors(), result.backfillMs(), this.rows * 1000L / Math.max(1, result.backfillMs()));
		}
	}

	private Result measure(String mode, BackfillSettings settings) throws Exception {
		String table = freshTable();
		String update = "UPDATE " + table + " SET price = price + 0.01 WHERE id = ?";
		String select = "SELECT price FROM " + table + " WHERE id = ?";
		Load load = new Load(this.dataSource, this.clients, this.rows, false,
				(connection, writeId, readId) -> Load.updateThenRead(connection, update, select, writeId, readId));
		load.start();
		try {
			Thread.sleep(WARMUP_SECONDS * 1000L);
			long baselineFrom = System.nanoTime();
			Thread.sleep(this.baselineSeconds * 1000L);
			long baselineTo = System.nanoTime();
			long controlFrom = System.nanoTime();
			Thread.sleep(CONTROL_SECONDS * 1000L);
			long controlTo = System.nanoTime();
			long origin = System.nanoTime();
			MigrationListener listener = TRACE ? new TraceListener(origin) : MigrationListener.NONE;
			Orchestrator zdm = new Orchestrator(this.dataSource,
					ZdmSettings.defaults().withBackfill(settings).withListener(listener));
			zdm.install();
			String id = table.replace('_', '-');
			zdm.start(Plan.builder(id).changeColumnType(table, "price", "integer", "round(price * 100)::integer",
					"price_cents / 100.0", "price_cents").build());
			zdm.advance(id);
			// The load with the sync trigger in place and no backfill yet: what the migration costs it before
			// any batch runs.
			long expandedFrom = System.nanoTime();
			Thread.sleep(this.baselineSeconds * 500L);
			long expandedTo = System.nanoTime();
			long from = System.nanoTime();
			Phase phase = zdm.advance(id).phase();
			long to = System.nanoTime();
			if (phase != Phase.BACKFILLED) {
				throw new IllegalStateException("Backfill ended in " + phase);
			}
			load.stop();
			Load.Transactions transactions = load.transactions();
			double baseline = transactions.medianSecond(baselineFrom, baselineTo);
			double expanded = transactions.medianSecond(expandedFrom, expandedTo);
			double worst = transactions.worstSecond(from, to);
			if (CONTROL_SECONDS > 0) {
				System.out.printf("%s: control, %d s of the load with no migration after its baseline: median second "
						+ "%.2fx, worst second %.2fx of the baseline; %s%n", mode, CONTROL_SECONDS,
						transactions.medianSecond(controlFrom, controlTo) / baseline,
						transactions.worstSecond(controlFrom, controlTo) / baseline,
						lowSeconds(transactions.perSecond(controlFrom, controlTo), baseline));
			}
			System.out.printf("%s: backfill, %s%n", mode, lowSeconds(transactions.perSecond(from, to), baseline));
			if (TRACE) {
				long[] seconds = transactions.perSecond(from, to);
				System.out.printf("%s: backfill from %d ms; transactions per second (baseline %.0f): %s%n", mode,
						(from - origin) / 1_000_000, baseline, java.util.Arrays.toString(seconds));
				System.out.println("  first 3 s by 100 ms: "
						+ java.util.Arrays.toString(transactions.perInterval(from, Math.min(to, from + 3_000_000_000L), 100_000_000L)));
			}
			double[] latencies = transactions.latencies(from, to);
			zdm.rollback(id);
			return new Result(mode, baseline, expanded, worst, Load.Transactions.percentile(latencies, 0.99),
					Load.Transactions.percentile(latencies, 1.0), transactions.failed(), (to - from) / 1_000_000);
		}
		finally {
			load.stop();
			execute("DROP TABLE IF EXISTS " + table);
		}
	}

	/**
	 * How the seconds of a window spread below the baseline: the second at the 1st and 5th percentile, and how many
	 * seconds fell below 0.7x. A worst second is one sample; these say whether it stood alone.
	 */
	static String lowSeconds(long[] seconds, double baseline) {
		long[] sorted = seconds.clone();
		java.util.Arrays.sort(sorted);
		long below = java.util.Arrays.stream(sorted).filter((count) -> count < 0.7 * baseline).count();
		return String.format(java.util.Locale.ROOT, "%d seconds: 1st percentile %.2fx, 5th %.2fx, %d below 0.7x",
				sorted.length, sorted[(int) (sorted.length * 0.01)] / baseline, sorted[(int) (sorted.length * 0.05)] / baseline,
				below);
	}

	private String freshTable() throws SQLException {
		String table = "load_" + (++this.tables);
		execute("CREATE TABLE " + table + " AS SELECT g::bigint AS id, ((g % 100000) / 100.0)::numeric(10,2) AS price, "
				+ "md5(g::text) AS name FROM generate_series(1, " + this.rows + ") g",
				"ALTER TABLE " + table + " ADD PRIMARY KEY (id)", "VACUUM ANALYZE " + table, "CHECKPOINT");
		return table;
	}

	private void execute(String... sql) throws SQLException {
		Sql.execute(this.dataSource, sql);
	}

	private String queryString(String sql) throws SQLException {
		return Sql.queryString(this.dataSource, sql);
	}

}

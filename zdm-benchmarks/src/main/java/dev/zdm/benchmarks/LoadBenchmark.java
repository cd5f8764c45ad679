package dev.zdm.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.plan.Plan;

/**
 * The load scenario: a pgbench-style load (single-row {@code UPDATE} and {@code SELECT} by random id, from
 * {@code zdm.bench.clients} Java threads, 4 by default) runs on a table while zdm backfills a
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

	LoadBenchmark(DataSource dataSource, int rows) {
		this.dataSource = dataSource;
		this.rows = rows;
		this.clients = Integer.getInteger("zdm.bench.clients", 4);
		this.baselineSeconds = Integer.getInteger("zdm.bench.baseline-seconds", 10);
	}

	/** One measured mode. */
	private record Result(String mode, double baselineTps, double worstSecondTps, double p99Ms, double maxMs,
			long errors, long backfillMs) {
	}

	void run() throws Exception {
		System.out.printf("PostgreSQL %s, %,d rows, %d load clients, baseline %d s per mode%n%n",
				queryString("SELECT current_setting('server_version')"), this.rows, this.clients, this.baselineSeconds);
		List<Result> results = new ArrayList<>();
		results.add(measure("unthrottled (signals off, parallelism 2)",
				BackfillSettings.defaults().withThrottle(ThrottleSettings.off())));
		results.add(measure("default settings", BackfillSettings.defaults()));
		System.out.println("| mode | load baseline (tx/s) | worst second (x baseline) | p99 latency | max latency | errors "
				+ "| backfill time | backfill rows/s |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
		for (Result result : results) {
			System.out.printf("| %s | %,.0f | %.2f | %.1f ms | %.1f ms | %d | %,d ms | %,d |%n", result.mode(),
					result.baselineTps(), result.worstSecondTps() / result.baselineTps(), result.p99Ms(), result.maxMs(),
					result.errors(), result.backfillMs(), this.rows * 1000L / Math.max(1, result.backfillMs()));
		}
	}

	private Result measure(String mode, BackfillSettings settings) throws Exception {
		String table = freshTable();
		Load load = new Load(table);
		load.start();
		try {
			Thread.sleep(2000);
			long baselineFrom = System.nanoTime();
			Thread.sleep(this.baselineSeconds * 1000L);
			long baselineTo = System.nanoTime();
			Orchestrator zdm = new Orchestrator(this.dataSource,
					ZdmSettings.defaults().withBackfill(settings).withListener(MigrationListener.NONE));
			zdm.install();
			String id = table.replace('_', '-');
			zdm.start(Plan.builder(id).changeColumnType(table, "price", "integer", "round(price * 100)::integer",
					"price_cents / 100.0", "price_cents").build());
			zdm.advance(id);
			long from = System.nanoTime();
			Phase phase = zdm.advance(id).phase();
			long to = System.nanoTime();
			if (phase != Phase.BACKFILLED) {
				throw new IllegalStateException("Backfill ended in " + phase);
			}
			load.stop();
			double baseline = load.medianSecond(baselineFrom, baselineTo);
			double worst = load.worstSecond(from, to);
			double[] latencies = load.latencies(from, to);
			zdm.rollback(id);
			return new Result(mode, baseline, worst, percentile(latencies, 0.99), percentile(latencies, 1.0),
					load.errors.get(), (to - from) / 1_000_000);
		}
		finally {
			load.stop();
			execute("DROP TABLE IF EXISTS " + table);
		}
	}

	private static double percentile(double[] sorted, double p) {
		if (sorted.length == 0) {
			return 0;
		}
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
	}

	/** The load: each transaction an autocommit {@code UPDATE} of one row and a {@code SELECT} of another. */
	private final class Load {

		private final String table;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final List<Thread> threads = new ArrayList<>();

		/** (end time in nanos, latency in nanos) of each transaction. */
		private final ConcurrentLinkedQueue<long[]> done = new ConcurrentLinkedQueue<>();

		private final AtomicLong errors = new AtomicLong();

		Load(String table) {
			this.table = table;
		}

		void start() {
			for (int i = 0; i < LoadBenchmark.this.clients; i++) {
				Thread thread = new Thread(this::client, "load-" + i);
				thread.setDaemon(true);
				this.threads.add(thread);
				thread.start();
			}
		}

		private void client() {
			try (Connection connection = LoadBenchmark.this.dataSource.getConnection();
					PreparedStatement update = connection
						.prepareStatement("UPDATE " + this.table + " SET price = price + 0.01 WHERE id = ?");
					PreparedStatement select = connection
						.prepareStatement("SELECT price FROM " + this.table + " WHERE id = ?")) {
				List<long[]> mine = new ArrayList<>();
				while (this.running.get()) {
					long started = System.nanoTime();
					try {
						update.setLong(1, 1 + ThreadLocalRandom.current().nextInt(LoadBenchmark.this.rows));
						update.executeUpdate();
						select.setLong(1, 1 + ThreadLocalRandom.current().nextInt(LoadBenchmark.this.rows));
						try (ResultSet rs = select.executeQuery()) {
							rs.next();
						}
						long now = System.nanoTime();
						mine.add(new long[] { now, now - started });
						if (mine.size() >= 1000) {
							this.done.addAll(mine);
							mine.clear();
						}
					}
					catch (SQLException ex) {
						this.errors.incrementAndGet();
					}
				}
				this.done.addAll(mine);
			}
			catch (SQLException ex) {
				this.errors.incrementAndGet();
			}
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread thread : this.threads) {
				thread.join();
			}
		}

		private long[] perSecond(long from, long to) {
			int seconds = (int) Math.max(1, (to - from) / 1_000_000_000L);
			long[] counts = new long[seconds];
			for (long[] tx : this.done) {
				if (tx[0] >= from && tx[0] < from + seconds * 1_000_000_000L) {
					counts[(int) ((tx[0] - from) / 1_000_000_000L)]++;
				}
			}
			return counts;
		}

		double medianSecond(long from, long to) {
			long[] counts = perSecond(from, to);
			Arrays.sort(counts);
			return counts[counts.length / 2];
		}

		double worstSecond(long from, long to) {
			return Arrays.stream(perSecond(from, to)).min().orElse(0);
		}

		double[] latencies(long from, long to) {
			return this.done.stream().filter((tx) -> tx[0] >= from && tx[0] <= to).mapToDouble((tx) -> tx[1] / 1e6)
				.sorted().toArray();
		}

	}

	private String freshTable() throws SQLException {
		String table = "load_" + (++this.tables);
		execute("CREATE TABLE " + table + " AS SELECT g::bigint AS id, ((g % 100000) / 100.0)::numeric(10,2) AS price, "
				+ "md5(g::text) AS name FROM generate_series(1, " + this.rows + ") g",
				"ALTER TABLE " + table + " ADD PRIMARY KEY (id)", "VACUUM ANALYZE " + table, "CHECKPOINT");
		return table;
	}

	private void execute(String... sql) throws SQLException {
		try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement()) {
			for (String each : sql) {
				statement.execute(each);
			}
		}
	}

	private String queryString(String sql) throws SQLException {
		try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getString(1);
		}
	}

}

package dev.zdm.benchmarks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.plan.Plan;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Measures zdm's backfill against a bare {@code UPDATE} of the same rows, and the cost of the sync trigger
 * on single-row writes, on identical fresh tables in the same run. Prints a Markdown table for
 * {@code docs/benchmarks.md}.
 * <p>
 * It runs in a database of its own, created on the server it is pointed at under a unique name and dropped
 * at the end, also when it fails or is interrupted: it never creates, changes or drops anything in the
 * database of {@code zdm.bench.url}, which it uses only to create and drop its own.
 * <p>
 * System properties: {@code zdm.bench.url} (default: an embedded PostgreSQL), {@code zdm.bench.user}
 * ({@code postgres}; needs {@code CREATEDB}), {@code zdm.bench.password}, {@code zdm.bench.rows} (1,000,000),
 * {@code zdm.bench.writes} (20,000), {@code zdm.bench.repeats} (3), {@code zdm.bench.signals} ({@code off} turns
 * the throttle signals off for the backfill measurement); {@code zdm.bench.scenario=load} runs
 * {@link LoadBenchmark} instead, {@code zdm.bench.scenario=zero-downtime} {@link ZeroDowntimeBenchmark}.
 */
public final class BackfillBenchmark {

	/** Held so the level sticks: Liquibase logs through java.util.logging. */
	private static final java.util.logging.Logger LIQUIBASE_LOG = java.util.logging.Logger.getLogger("liquibase");

	private final DataSource dataSource;

	private final int rows;

	private int tables;

	private BackfillBenchmark(DataSource dataSource, int rows) {
		this.dataSource = dataSource;
		this.rows = rows;
	}

	public static void main(String[] args) throws Exception {
		LIQUIBASE_LOG.setLevel(java.util.logging.Level.WARNING);
		System.setProperty("org.slf4j.simpleLogger.log.dev.zdm", "warn");
		int rows = Integer.getInteger("zdm.bench.rows", 1_000_000);
		int writes = Integer.getInteger("zdm.bench.writes", 20_000);
		int repeats = Integer.getInteger("zdm.bench.repeats", 3);
		if (rows < 1 || writes < 1 || repeats < 1) {
			throw new IllegalArgumentException("zdm.bench.rows, zdm.bench.writes and zdm.bench.repeats must be at least 1");
		}
		String url = System.getProperty("zdm.bench.url");
		EmbeddedPostgres embedded = null;
		if (url == null || url.isBlank()) {
			embedded = EmbeddedPostgres.builder().start();
			url = embedded.getJdbcUrl("postgres", "postgres");
		}
		PGSimpleDataSource server = dataSource(url, null);
		String database = "zdm_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		try {
			createDatabase(server, database);
			AtomicBoolean dropped = new AtomicBoolean();
			Runnable drop = () -> {
				if (dropped.compareAndSet(false, true)) {
					dropDatabase(server, database);
				}
			};
			// Ctrl-C ends the JVM without running finally blocks, but with its shutdown hooks.
			Thread hook = new Thread(drop, "drop " + database);
			Runtime.getRuntime().addShutdownHook(hook);
			try {
				String scenario = System.getProperty("zdm.bench.scenario", "");
				if ("load".equals(scenario)) {
					try (HikariDataSource pool = pooled(url, database)) {
						new LoadBenchmark(pool, rows).run();
					}
				}
				else if ("zero-downtime".equals(scenario)) {
					// The load unpooled: the new code's sessions are new, as after a deploy, and hold no statement the old
					// code prepared (a pooled session would fail them with "cached plan must not change result type").
					// zdm on a pool, as the starter on the application's.
					try (HikariDataSource pool = pooled(url, database)) {
						new ZeroDowntimeBenchmark(dataSource(url, database), pool,
								ZeroDowntimeBenchmark.Settings.fromSystemProperties(rows))
							.run();
					}
				}
				else if ("dual-write".equals(scenario)) {
					new DualWriteBenchmark(dataSource(url, database), Integer.getInteger("zdm.bench.rows", 100_000))
						.run(writes);
				}
				else {
					try (HikariDataSource pool = pooled(url, database)) {
						new BackfillBenchmark(pool, rows).run(writes, repeats);
					}
				}
			}
			finally {
				drop.run();
				Runtime.getRuntime().removeShutdownHook(hook);
			}
		}
		finally {
			if (embedded != null) {
				embedded.close();
			}
		}
	}

	/**
	 * A connection pool over the benchmark's database, as an application has (Spring Boot's HikariCP): zdm
	 * borrows connections for its checks, claims and batches, and their cost is what users pay.
	 */
	private static HikariDataSource pooled(String url, String database) {
		HikariConfig config = new HikariConfig();
		config.setDataSource(dataSource(url, database));
		config.setMaximumPoolSize(20);
		config.setPoolName("zdm-benchmark");
		return new HikariDataSource(config);
	}

	private static PGSimpleDataSource dataSource(String url, String database) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(url);
		if (database != null) {
			dataSource.setDatabaseName(database);
		}
		dataSource.setUser(System.getProperty("zdm.bench.user", "postgres"));
		String password = System.getProperty("zdm.bench.password");
		if (password != null) {
			dataSource.setPassword(password);
		}
		dataSource.setApplicationName("zdm-benchmark");
		return dataSource;
	}

	private static void createDatabase(DataSource server, String database) throws SQLException {
		try (Connection connection = server.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + database);
		}
		catch (SQLException ex) {
			throw new SQLException("The benchmark runs in a database of its own, which it could not create ("
					+ ex.getMessage() + "): give zdm.bench.user the CREATEDB privilege, or run it without zdm.bench.url "
					+ "(an embedded PostgreSQL)", ex.getSQLState(), ex);
		}
		System.out.printf("Running in database %s (created for this run, dropped at its end)%n", database);
	}

	private static void dropDatabase(DataSource server, String database) {
		try (Connection connection = server.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
			System.out.printf("Dropped database %s%n", database);
		}
		catch (SQLException ex) {
			System.err.printf("Could not drop the benchmark's database %s (%s): drop it by hand%n", database,
					ex.getMessage());
		}
	}

	private void run(int writes, int repeats) throws SQLException {
		String version = queryString("SELECT current_setting('server_version')");
		System.out.printf("PostgreSQL %s, %,d rows, %,d single-row writes, median of %d runs%n%n", version, this.rows,
				writes, repeats);
		List<Long> bare = new ArrayList<>();
		List<Long> backfill = new ArrayList<>();
		List<Long> backfillAndVerify = new ArrayList<>();
		List<Long> plainWrites = new ArrayList<>();
		List<Long> syncedWrites = new ArrayList<>();
		long heapMb = 0;
		for (int i = 0; i < repeats; i++) {
			bare.add(bareUpdate());
			long[] zdm = zdmBackfill();
			backfill.add(zdm[0]);
			backfillAndVerify.add(zdm[1]);
			heapMb = Math.max(heapMb, zdm[2]);
			plainWrites.add(singleRowWrites(writes, false));
			syncedWrites.add(singleRowWrites(writes, true));
		}
		long bareMs = median(bare);
		long backfillMs = median(backfill);
		long verifiedMs = median(backfillAndVerify);
		long plainMs = median(plainWrites);
		long syncedMs = median(syncedWrites);
		System.out.println("| measurement | time (median) | rows/s | ratio to baseline |");
		System.out.println("| --- | --- | --- | --- |");
		System.out.printf("| bare `UPDATE t SET new = round(old * 100)` (one statement, baseline) | %,d ms | %,d | 1.00 |%n",
				bareMs, this.rows * 1000L / Math.max(1, bareMs));
		System.out.printf("| zdm backfill (keyset batches, trigger bypassed, checkpoints) | %,d ms | %,d | %.2f |%n",
				backfillMs, this.rows * 1000L / Math.max(1, backfillMs), (double) backfillMs / bareMs);
		System.out.printf("| zdm backfill + verification scan (advance EXPANDED -> BACKFILLED) | %,d ms | %,d | %.2f |%n",
				verifiedMs, this.rows * 1000L / Math.max(1, verifiedMs), (double) verifiedMs / bareMs);
		System.out.printf("%nJava heap in use after garbage collection, the most seen during the backfills: %,d MB%n%n",
				heapMb);
		System.out.println("| measurement | time (median) | writes/s | ratio to baseline |");
		System.out.println("| --- | --- | --- | --- |");
		System.out.printf("| %,d single-row `UPDATE`s, no trigger (baseline) | %,d ms | %,d | 1.00 |%n", writes, plainMs,
				writes * 1000L / Math.max(1, plainMs));
		System.out.printf("| %,d single-row `UPDATE`s through the sync trigger | %,d ms | %,d | %.2f |%n", writes, syncedMs,
				writes * 1000L / Math.max(1, syncedMs), (double) syncedMs / plainMs);
	}

	private long bareUpdate() throws SQLException {
		String table = freshTable();
		execute("ALTER TABLE " + table + " ADD COLUMN price_cents integer");
		long started = System.nanoTime();
		execute("UPDATE " + table + " SET price_cents = round(price * 100)::integer");
		long ms = (System.nanoTime() - started) / 1_000_000;
		execute("DROP TABLE " + table);
		return ms;
	}

	private long[] zdmBackfill() throws SQLException {
		String table = freshTable();
		AtomicLong firstBatch = new AtomicLong();
		AtomicLong lastBatch = new AtomicLong();
		AtomicLong batchStart = new AtomicLong();
		MigrationListener listener = new MigrationListener() {
			@Override
			public void batchCompleted(String migrationId, int operation, int scanned, int updated, Duration time) {
				long now = System.nanoTime();
				firstBatch.compareAndSet(0, now - time.toNanos());
				lastBatch.set(now);
			}
		};
		ZdmSettings settings = ZdmSettings.defaults().withListener(listener);
		if ("off".equals(System.getProperty("zdm.bench.signals"))) {
			// Idle speed on a machine others load: the active-sessions signal would count their sessions.
			settings = settings.withBackfill(settings.backfill().withThrottle(ThrottleSettings.off()));
		}
		Orchestrator zdm = new Orchestrator(this.dataSource, settings);
		zdm.install();
		String id = table.replace('_', '-');
		zdm.start(Plan.builder(id).changeColumnType(table, "price", "integer", "round(price * 100)::integer",
				"price_cents / 100.0", "price_cents").build());
		zdm.advance(id);
		HeapSampler heap = new HeapSampler();
		heap.start();
		long started = System.nanoTime();
		batchStart.set(started);
		Phase phase = zdm.advance(id).phase();
		long total = (System.nanoTime() - started) / 1_000_000;
		long heapMb = heap.finish();
		if (phase != Phase.BACKFILLED) {
			throw new IllegalStateException("Backfill ended in " + phase);
		}
		long backfill = (lastBatch.get() - started) / 1_000_000;
		zdm.rollback(id);
		execute("DROP TABLE " + table);
		return new long[] { backfill, total, heapMb };
	}

	/**
	 * The Java heap in use right after each garbage collection (what stays alive), sampled every 50 ms while
	 * it runs: the most seen, in MB. Garbage between collections is not counted, so a backfill whose memory is
	 * bounded by its batch shows a flat figure whatever the table's size.
	 */
	private static final class HeapSampler extends Thread {

		private volatile boolean running = true;

		private long most;

		HeapSampler() {
			super("heap-sampler");
			setDaemon(true);
		}

		@Override
		public void run() {
			while (this.running) {
				long used = 0;
				for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory
					.getMemoryPoolMXBeans()) {
					java.lang.management.MemoryUsage afterGc = pool.getCollectionUsage();
					if (pool.getType() == java.lang.management.MemoryType.HEAP && afterGc != null) {
						used += afterGc.getUsed();
					}
				}
				synchronized (this) {
					this.most = Math.max(this.most, used);
				}
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		long finish() {
			this.running = false;
			interrupt();
			try {
				join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			synchronized (this) {
				return this.most / (1024 * 1024);
			}
		}

	}

	private long singleRowWrites(int writes, boolean synced) throws SQLException {
		String table = freshTable();
		String id = table.replace('_', '-');
		Orchestrator zdm = null;
		if (synced) {
			zdm = new Orchestrator(this.dataSource, ZdmSettings.defaults());
			zdm.install();
			zdm.start(Plan.builder(id).changeColumnType(table, "price", "integer", "round(price * 100)::integer",
					"price_cents / 100.0", "price_cents").build());
			zdm.advance(id);
		}
		long ms;
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("UPDATE " + table + " SET price = ? WHERE id = ?")) {
			long started = System.nanoTime();
			for (int i = 0; i < writes; i++) {
				statement.setBigDecimal(1, java.math.BigDecimal.valueOf(i, 2));
				statement.setLong(2, 1 + (i * 7919L) % this.rows);
				statement.executeUpdate();
			}
			ms = (System.nanoTime() - started) / 1_000_000;
		}
		if (zdm != null) {
			zdm.rollback(id);
		}
		execute("DROP TABLE " + table);
		return ms;
	}

	private String freshTable() throws SQLException {
		String table = "bench_" + (++this.tables);
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

	private static long median(List<Long> values) {
		List<Long> sorted = new ArrayList<>(values);
		sorted.sort(null);
		return sorted.get(sorted.size() / 2);
	}

}

package dev.zdm.benchmarks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

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
 * System properties: {@code zdm.bench.url} (default: an embedded PostgreSQL), {@code zdm.bench.user}
 * ({@code postgres}), {@code zdm.bench.rows} (1,000,000), {@code zdm.bench.writes} (20,000),
 * {@code zdm.bench.repeats} (3).
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
		String url = System.getProperty("zdm.bench.url");
		EmbeddedPostgres embedded = null;
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		if (url == null || url.isBlank()) {
			embedded = EmbeddedPostgres.builder().start();
			url = embedded.getJdbcUrl("postgres", "postgres");
		}
		dataSource.setUrl(url);
		dataSource.setUser(System.getProperty("zdm.bench.user", "postgres"));
		try {
			new BackfillBenchmark(dataSource, rows).run(writes, repeats);
		}
		finally {
			if (embedded != null) {
				embedded.close();
			}
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
		for (int i = 0; i < repeats; i++) {
			bare.add(bareUpdate());
			long[] zdm = zdmBackfill();
			backfill.add(zdm[0]);
			backfillAndVerify.add(zdm[1]);
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
		System.out.printf("| %,d single-row `UPDATE`s, no trigger (baseline) | %,d ms | %,d | 1.00 |%n", writes, plainMs,
				writes * 1000L / Math.max(1, plainMs));
		System.out.printf("| %,d single-row `UPDATE`s through the sync trigger | %,d ms | %,d | %.2f |%n", writes, syncedMs,
				writes * 1000L / Math.max(1, syncedMs), (double) syncedMs / plainMs);
		execute("DROP SCHEMA IF EXISTS zdm CASCADE");
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
		Orchestrator zdm = new Orchestrator(this.dataSource, ZdmSettings.defaults().withListener(listener));
		zdm.install();
		String id = table.replace('_', '-');
		zdm.start(Plan.builder(id).changeColumnType(table, "price", "integer", "round(price * 100)::integer",
				"price_cents / 100.0", "price_cents").build());
		zdm.advance(id);
		long started = System.nanoTime();
		batchStart.set(started);
		Phase phase = zdm.advance(id).phase();
		long total = (System.nanoTime() - started) / 1_000_000;
		if (phase != Phase.BACKFILLED) {
			throw new IllegalStateException("Backfill ended in " + phase);
		}
		long backfill = (lastBatch.get() - started) / 1_000_000;
		zdm.rollback(id);
		execute("DROP TABLE " + table);
		return new long[] { backfill, total };
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
		execute("DROP TABLE IF EXISTS " + table,
				"CREATE TABLE " + table + " AS SELECT g::bigint AS id, ((g % 100000) / 100.0)::numeric(10,2) AS price, "
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
				var rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getString(1);
		}
	}

	private static long median(List<Long> values) {
		List<Long> sorted = new ArrayList<>(values);
		sorted.sort(null);
		return sorted.get(sorted.size() / 2);
	}

}

package dev.zdm.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.plan.Plan;

/**
 * The zero-downtime proof (issue 12): one schema change made three ways on a {@code users} table under a
 * load written as the application's old code, measured in one run against one baseline.
 * <p>
 * The change is the guide's two breaking ones at once: rename {@code users.email} to {@code email_address},
 * and change {@code users.balance numeric(10,2)} (in euros) into {@code balance_cents integer}. The old code
 * runs, in each transaction, {@code UPDATE users SET balance = balance + 0.01 WHERE id = ?} and
 * {@code SELECT email, balance FROM users WHERE id = ?} on random ids; the new code the same on
 * {@code balance_cents} ({@code + 1}) and {@code email_address}. A deploy (the load switching from the old
 * code to the new) takes {@code deploySeconds}: the old code keeps running that long, then every client
 * runs the new code.
 * <ul>
 * <li>A, the naive way: the guide's breaking change, {@code ALTER TABLE users RENAME COLUMN email TO
 * email_address}, then the type change with one {@code UPDATE} (add {@code balance_cents}, {@code UPDATE}
 * every row, drop {@code balance}), each statement committed on its own as {@code psql} runs a script, with
 * the old code still running; then the deploy.</li>
 * <li>B, the guide's manual recipe as a script: add both new columns, the guide's batched loop (1,000 rows a
 * batch, {@code COMMIT}, {@code pg_sleep(0.1)}), the deploy, drop the old columns.</li>
 * <li>C, zdm: the same change as one plan ({@code renameColumn} and {@code changeColumnType} with
 * {@code rename}) through every phase with default settings: expand, backfill, switch, the deploy (in a
 * rolling deploy the old code is gone before contract), contract.</li>
 * </ul>
 * For each, from the migration's first statement until it is done and the new code runs everywhere: the
 * load's failed transactions, its p99 and max latency, its worst second against the baseline's median
 * second, the longest lock wait of a load session ({@link LockWaitSampler}), the migration's time; then,
 * with the load stopped, whether every row holds its value: the email under the new name and the balance
 * in cents, with every write the load committed (a row that misses one lost a write). Writes a latency
 * chart ({@link LatencyChart}) and prints a Markdown table.
 * <p>
 * The load's clients run in this JVM, next to zdm, on the database's cores. Before anything is measured,
 * zdm runs the same plan on a small table of its own ({@code zdm.bench.warm-zdm}, on by default), as an
 * application has run zdm's code since its start: otherwise the JVM loading and compiling zdm's code in C's
 * first second takes the cores the load's sessions need (measured: C's first second at 0.52x cold, 0.81x
 * warm), which a database on its own host would not see.
 */
final class ZeroDowntimeBenchmark {

	private static final String OLD_UPDATE = "UPDATE users SET balance = balance + 0.01 WHERE id = ?";

	private static final String OLD_SELECT = "SELECT email, balance FROM users WHERE id = ?";

	private static final String NEW_UPDATE = "UPDATE users SET balance_cents = balance_cents + 1 WHERE id = ?";

	private static final String NEW_SELECT = "SELECT email_address, balance_cents FROM users WHERE id = ?";

	/** The application before the change. */
	static final Load.Code OLD_CODE = (connection, writeId, readId) -> Load.updateThenRead(connection, OLD_UPDATE, OLD_SELECT,
			writeId, readId);

	/** The application after the change. */
	static final Load.Code NEW_CODE = (connection, writeId, readId) -> Load.updateThenRead(connection, NEW_UPDATE, NEW_SELECT,
			writeId, readId);

	/** The guide's "Large Table Migrations" loop, copying both columns. */
	static final String GUIDE_LOOP = """
			DO $$
			DECLARE
			  batch_size INTEGER := 1000;
			  last_id INTEGER := 0;
			  affected_rows INTEGER;
			BEGIN
			  LOOP
			    UPDATE users
			    SET email_address = email, balance_cents = round(balance * 100)::integer
			    WHERE id > last_id
			      AND id <= last_id + batch_size;

			    GET DIAGNOSTICS affected_rows = ROW_COUNT;
			    EXIT WHEN affected_rows = 0;

			    last_id := last_id + batch_size;
			    COMMIT;

			    -- Pause between batches
			    PERFORM pg_sleep(0.1);
			  END LOOP;
			END $$""";

	private final DataSource dataSource;

	private final Settings settings;

	/** zdm's connections: a pool, as the starter uses the application's. */
	private final DataSource zdmDataSource;

	ZeroDowntimeBenchmark(DataSource dataSource, Settings settings) {
		this(dataSource, dataSource, settings);
	}

	/**
	 * @param dataSource the load's connections (unpooled: the new code's sessions are new, as after a deploy)
	 * @param zdmDataSource zdm's connections (a pool, as an application's: each new session costs the server a
	 * process and a cold catalog cache, which the load would pay in C)
	 */
	ZeroDowntimeBenchmark(DataSource dataSource, DataSource zdmDataSource, Settings settings) {
		this.dataSource = dataSource;
		this.zdmDataSource = zdmDataSource;
		this.settings = settings;
	}

	/**
	 * @param rows rows in {@code users}
	 * @param clients load sessions
	 * @param baselineSeconds how long the baseline is measured (before A)
	 * @param warmupSeconds how long the load runs on a fresh table before a migration starts
	 * @param deploySeconds how long a deploy takes
	 * @param out where the chart is written, or {@code null} for none
	 * @param warmZdm whether zdm's code runs (three times, on a small table of its own) before anything is measured
	 */
	record Settings(int rows, int clients, int baselineSeconds, int warmupSeconds, int deploySeconds, Path out,
			boolean warmZdm) {

		Settings(int rows, int clients, int baselineSeconds, int warmupSeconds, int deploySeconds, Path out) {
			this(rows, clients, baselineSeconds, warmupSeconds, deploySeconds, out, false);
		}

		Settings {
			if (rows < 1 || clients < 1 || baselineSeconds < 1 || warmupSeconds < 0 || deploySeconds < 0) {
				throw new IllegalArgumentException("zdm.bench.rows, zdm.bench.clients and zdm.bench.baseline-seconds must "
						+ "be at least 1, zdm.bench.warmup-seconds and zdm.bench.deploy-seconds at least 0");
			}
		}

		static Settings fromSystemProperties(int rows) {
			String out = System.getProperty("zdm.bench.out", "target/zero-downtime");
			return new Settings(rows, Integer.getInteger("zdm.bench.clients", 4),
					Integer.getInteger("zdm.bench.baseline-seconds", 10), Integer.getInteger("zdm.bench.warmup-seconds", 2),
					Integer.getInteger("zdm.bench.deploy-seconds", 1), Path.of(out),
					Boolean.parseBoolean(System.getProperty("zdm.bench.warm-zdm", "true")));
		}

	}

	/** Something that happened during a migration, for the chart. */
	record Event(long at, String label) {
	}

	/**
	 * One way of making the change, measured.
	 * @param failed load transactions that failed, from the migration's start to its end
	 * @param worstSecond the fewest successful load transactions in one second, against the baseline
	 * @param longestLockWaitMs the longest a load session was seen waiting on a lock
	 * @param rowsCorrect rows holding, under the new names, their email and their balance with every
	 * committed write
	 * @param lostWrites rows whose balance misses a write the load committed
	 * @param firstError the SQLSTATE and message of the first failed load transaction
	 */
	record Outcome(String name, String label, long failed, long transactions, double p99Ms, double maxMs,
			double worstSecond, double longestLockWaitMs, long migrationMs, long rowsCorrect, long lostWrites,
			String firstError, Load.Transactions load, long from, long to, List<Event> events, double beforeTps,
			String loadAverage) {
	}

	/** The result of a run. */
	record Report(double baselineTps, List<Outcome> outcomes, Path chart) {
	}

	Report run() throws Exception {
		System.out.printf("PostgreSQL %s, users: %,d rows, %d load sessions, baseline %d s, deploy %d s%n%n",
				queryString("SELECT current_setting('server_version')"), this.settings.rows(), this.settings.clients(),
				this.settings.baselineSeconds(), this.settings.deploySeconds());
		// zdm's state tables are set up once, like the application's first start, not as part of C.
		new Orchestrator(this.zdmDataSource, ZdmSettings.defaults()).install();
		if (this.settings.warmZdm()) {
			warmUp();
		}
		double[] baseline = new double[1];
		List<Outcome> outcomes = new ArrayList<>();
		outcomes.add(measure("A", "naive: RENAME COLUMN + one UPDATE, old code running", baseline, this::naive));
		outcomes.add(measure("B", "the guide's manual recipe: add column, batched loop, drop", baseline, this::manual));
		outcomes.add(measure("C", "zdm: expand, backfill, switch, contract (default settings)", baseline, this::zdm));
		Path chart = null;
		if (this.settings.out() != null) {
			Files.createDirectories(this.settings.out());
			chart = this.settings.out().resolve("zero-downtime.svg");
			Files.writeString(chart, LatencyChart.svg(outcomes));
		}
		Report report = new Report(baseline[0], outcomes, chart);
		print(report);
		return report;
	}

	@FunctionalInterface
	private interface Migration {

		void run(Load load, List<Event> events) throws Exception;

	}

	private Outcome measure(String name, String label, double[] baseline, Migration migration) throws Exception {
		createUsers();
		Load load = new Load(this.dataSource, this.settings.clients(), this.settings.rows(), true, OLD_CODE).start();
		LockWaitSampler sampler = new LockWaitSampler(this.dataSource, 10);
		sampler.start();
		List<Event> events = new ArrayList<>();
		String loadBefore = loadAverage();
		long warmupFrom = System.nanoTime();
		long from;
		long to;
		long baselineFrom = 0;
		long baselineTo = 0;
		try {
			Thread.sleep(this.settings.warmupSeconds() * 1000L);
			if (baseline[0] == 0) {
				baselineFrom = System.nanoTime();
				Thread.sleep(this.settings.baselineSeconds() * 1000L);
				baselineTo = System.nanoTime();
			}
			from = System.nanoTime();
			migration.run(load, events);
			to = System.nanoTime();
			// A second of the load after, for the chart.
			Thread.sleep(1000);
		}
		finally {
			load.stop();
			sampler.finish();
		}
		Load.Transactions transactions = load.transactions();
		if (baseline[0] == 0) {
			baseline[0] = transactions.medianSecond(baselineFrom, baselineTo);
		}
		double[] latencies = transactions.latencies(from, to);
		long[] correct = check(load);
		Outcome outcome = new Outcome(name, label, transactions.failed(from, to), latencies.length,
				Load.Transactions.percentile(latencies, 0.99), Load.Transactions.percentile(latencies, 1.0),
				transactions.worstSecond(from, to) / baseline[0], sampler.longestMs(from, to), (to - from) / 1_000_000,
				correct[0], correct[1], load.firstError(), transactions, from, to, events,
				transactions.medianSecond(warmupFrom, from), loadBefore + " -> " + loadAverage());
		System.out.printf("%s done: %s%n  steps: %s%n", name, summary(outcome), steps(outcome));
		return outcome;
	}

	/** A: the breaking change with the old code running, then the deploy. */
	private void naive(Load load, List<Event> events) throws Exception {
		events.add(event("RENAME COLUMN"));
		execute("ALTER TABLE users RENAME COLUMN email TO email_address");
		execute("ALTER TABLE users ADD COLUMN balance_cents integer");
		events.add(event("UPDATE (all rows)"));
		execute("UPDATE users SET balance_cents = round(balance * 100)::integer");
		events.add(event("DROP COLUMN"));
		execute("ALTER TABLE users DROP COLUMN balance");
		deploy(load, events);
	}

	/** B: the guide's recipe, as a script; the deploy before the drop, as the guide says. */
	private void manual(Load load, List<Event> events) throws Exception {
		events.add(event("ADD COLUMN"));
		execute("ALTER TABLE users ADD COLUMN email_address varchar(255)",
				"ALTER TABLE users ADD COLUMN balance_cents integer");
		events.add(event("batched loop"));
		execute(GUIDE_LOOP);
		deploy(load, events);
		events.add(event("DROP COLUMN"));
		execute("ALTER TABLE users DROP COLUMN email, DROP COLUMN balance");
	}

	/** C: zdm, phase by phase; the deploy between switch and contract. */
	private void zdm(Load load, List<Event> events) throws Exception {
		Orchestrator zdm = new Orchestrator(this.zdmDataSource, ZdmSettings.defaults()
			.withListener(Boolean.getBoolean("zdm.bench.trace") ? new LoadBenchmark.TraceListener(System.nanoTime())
					: MigrationListener.NONE));
		Plan plan = Plan.builder("zero-downtime-proof")
			.description("Rename users.email to email_address; users.balance (numeric euros) to balance_cents (integer)")
			.renameColumn("users", "email", "email_address")
			.changeColumnType("users", "balance", "integer", "round(balance * 100)::integer", "balance_cents / 100.0",
					"balance_cents")
			.build();
		events.add(event("expand"));
		zdm.start(plan);
		expect(zdm.advance(plan.id()).phase(), Phase.EXPANDED);
		events.add(event("backfill"));
		expect(zdm.advance(plan.id()).phase(), Phase.BACKFILLED);
		events.add(event("switch"));
		expect(zdm.advance(plan.id()).phase(), Phase.SWITCHED);
		deploy(load, events);
		events.add(event("contract"));
		expect(zdm.advance(plan.id()).phase(), Phase.COMPLETED);
	}

	/** The deploy: the old code runs {@code deploySeconds} more, then every client runs the new code. */
	private void deploy(Load load, List<Event> events) throws InterruptedException {
		events.add(event("deploy"));
		Thread.sleep(this.settings.deploySeconds() * 1000L);
		load.deploy(NEW_CODE);
		events.add(event("new code"));
	}

	private static Event event(String label) {
		return new Event(System.nanoTime(), label);
	}

	private static void expect(Phase phase, Phase expected) {
		if (phase != expected) {
			throw new IllegalStateException("zdm ended in " + phase + " instead of " + expected);
		}
	}

	/**
	 * The same plan through every phase on a small table of its own, before any measurement: the JVM that runs
	 * the load also runs zdm, and compiling zdm's code while C runs takes the cores the load's sessions need.
	 */
	private void warmUp() throws SQLException {
		execute("DROP TABLE IF EXISTS warmup_users",
				"CREATE TABLE warmup_users AS SELECT g::bigint AS id, 'user' || g || '@example.com' AS email, "
						+ "((g % 100000) / 100.0)::numeric(10,2) AS balance FROM generate_series(1, 20000) g",
				"ALTER TABLE warmup_users ADD PRIMARY KEY (id)", "VACUUM ANALYZE warmup_users");
		Orchestrator zdm = new Orchestrator(this.zdmDataSource, ZdmSettings.defaults());
		for (int round = 1; round <= 3; round++) {
			Plan plan = Plan.builder("warm-up-" + round)
				.renameColumn("warmup_users", "email", "email_address")
				.changeColumnType("warmup_users", "balance", "integer", "round(balance * 100)::integer",
						"balance_cents / 100.0", "balance_cents")
				.build();
			zdm.start(plan);
			expect(zdm.advanceTo(plan.id(), Phase.SWITCHED).phase(), Phase.SWITCHED);
			expect(zdm.rollback(plan.id()).phase(), Phase.ROLLED_BACK);
		}
		execute("DROP TABLE warmup_users");
	}

	private void createUsers() throws SQLException {
		execute("DROP TABLE IF EXISTS users",
				"CREATE TABLE users AS SELECT g::bigint AS id, 'user' || g || '@example.com' AS email, "
						+ "((g % 100000) / 100.0)::numeric(10,2) AS balance FROM generate_series(1, " + this.settings.rows()
						+ ") g",
				"ALTER TABLE users ADD PRIMARY KEY (id)", "VACUUM ANALYZE users", "CHECKPOINT");
	}

	/**
	 * With the load stopped: the table has exactly the new columns, and how many rows hold their email and
	 * their balance in cents with every write the load committed (the initial balance of row {@code id} is
	 * {@code id % 100000} cents), and how many miss a committed write.
	 * @return rows correct, rows that lost a write
	 */
	private long[] check(Load load) throws SQLException {
		List<String> columns = new ArrayList<>();
		long correct = 0;
		long lost = 0;
		try (Connection connection = this.dataSource.getConnection()) {
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT attname FROM pg_attribute WHERE attrelid = 'users'::regclass "
							+ "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
				while (rs.next()) {
					columns.add(rs.getString(1));
				}
			}
			if (!columns.equals(List.of("id", "email_address", "balance_cents"))) {
				throw new IllegalStateException("users has columns " + columns + " after the migration");
			}
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.setFetchSize(10_000);
				try (ResultSet rs = statement.executeQuery("SELECT id, email_address = 'user' || id || '@example.com', "
						+ "balance_cents FROM users")) {
					while (rs.next()) {
						long id = rs.getLong(1);
						boolean email = rs.getBoolean(2);
						long cents = rs.getLong(3);
						boolean balance = !rs.wasNull() && cents == id % 100_000 + load.writes(id);
						if (!balance) {
							lost++;
						}
						if (email && balance) {
							correct++;
						}
					}
				}
			}
			connection.commit();
		}
		return new long[] { correct, lost };
	}

	private void print(Report report) {
		System.out.printf("%nBaseline: %,.0f transactions/s (median second, old code, before A)%n%n", report.baselineTps());
		System.out.println("| | failed transactions | p99 latency | max latency | worst second (x baseline) "
				+ "| longest lock wait | migration time | rows correct | rows that lost a write |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
		for (Outcome outcome : report.outcomes()) {
			System.out.printf("| %s. %s | %,d of %,d | %.1f ms | %.1f ms | %.2f | %.0f ms | %,d ms | %,d of %,d | %,d |%n",
					outcome.name(), outcome.label(), outcome.failed(), outcome.transactions(), outcome.p99Ms(),
					outcome.maxMs(), outcome.worstSecond(), outcome.longestLockWaitMs(), outcome.migrationMs(),
					outcome.rowsCorrect(), this.settings.rows(), outcome.lostWrites());
		}
		System.out.println();
		for (Outcome outcome : report.outcomes()) {
			if (outcome.firstError() != null) {
				System.out.printf("%s: first failure: %s%n", outcome.name(), outcome.firstError().replace('\n', ' '));
			}
		}
		Outcome zdm = report.outcomes().get(2);
		System.out.printf("C against the target (0 failed, max latency <= 250 ms, worst second >= 0.7x): failed %s, "
				+ "max latency %s, worst second %s%n", met(zdm.failed() == 0), met(zdm.maxMs() <= 250),
				met(zdm.worstSecond() >= 0.7));
		if (report.chart() != null) {
			System.out.printf("Chart: %s%n", report.chart().toAbsolutePath());
		}
	}

	private static String met(boolean met) {
		return met ? "met" : "NOT met";
	}

	/** The machine's load average over the last minute, where the system tells it. */
	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
		}
		catch (IOException | RuntimeException ex) {
			return "?";
		}
	}

	/** When each step started, in seconds from the migration's start. */
	private static String steps(Outcome outcome) {
		StringBuilder steps = new StringBuilder();
		for (Event event : outcome.events()) {
			steps.append((steps.length() > 0) ? ", " : "")
				.append(String.format("%s +%.1f s", event.label(), (event.at() - outcome.from()) / 1e9));
		}
		return steps.append(String.format(", end +%.1f s", (outcome.to() - outcome.from()) / 1e9)).toString();
	}

	/** Where the worst second was, in whole seconds from the migration's start. */
	private static int worstSecondAt(Outcome outcome) {
		long[] seconds = outcome.load().perSecond(outcome.from(), outcome.to());
		int worst = 0;
		for (int i = 1; i < seconds.length; i++) {
			if (seconds[i] < seconds[worst]) {
				worst = i;
			}
		}
		return worst;
	}

	private static String summary(Outcome outcome) {
		if (Boolean.getBoolean("zdm.bench.trace")) {
			System.out.println("  seconds: " + java.util.Arrays.toString(outcome.load().perSecond(outcome.from(), outcome.to())));
			System.out.println("  first 3 s by 100 ms: " + java.util.Arrays.toString(outcome.load().perInterval(outcome.from(),
					Math.min(outcome.to(), outcome.from() + 3_000_000_000L), 100_000_000L)));
		}
		return String.format("load before %,.0f tx/s, machine load average %s; %,d failed, p99 %.1f ms, max %.1f ms, worst second %.2fx (second %d), lock wait %.0f ms, %,d ms, "
				+ "%,d rows correct, %,d lost a write", outcome.beforeTps(), outcome.loadAverage(), outcome.failed(), outcome.p99Ms(), outcome.maxMs(),
				outcome.worstSecond(), worstSecondAt(outcome), outcome.longestLockWaitMs(), outcome.migrationMs(), outcome.rowsCorrect(),
				outcome.lostWrites());
	}

	private void execute(String... sql) throws SQLException {
		Sql.execute(this.dataSource, sql);
	}

	private String queryString(String sql) throws SQLException {
		return Sql.queryString(this.dataSource, sql);
	}

}

package dev.zdm.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import javax.sql.DataSource;

import dev.zdm.benchmarks.DualWriteApplication.PlainPeople;
import dev.zdm.benchmarks.DualWriteApplication.PlainPerson;
import dev.zdm.benchmarks.DualWriteApplication.SyncedPeople;
import dev.zdm.benchmarks.DualWriteApplication.SyncedPerson;
import dev.zdm.benchmarks.DualWriteApplication.TriggerPeople;
import dev.zdm.benchmarks.DualWriteApplication.TriggerPerson;
import dev.zdm.core.migration.ApplicationSync;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.ReplaceColumns.NewColumn;
import dev.zdm.core.sql.Identifier;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.repository.ListCrudRepository;

/**
 * The cost of keeping two shapes in step on a write (issue 10), as an application pays it: a Spring Boot
 * context (Hikari pool, Spring Data JDBC, the zdm starter) saves entities through {@code CrudRepository}
 * into three identical tables, one in no migration, one in a {@code replaceColumns} split of
 * {@code full_name} kept by sync triggers (SQL {@code up}/{@code down}), one in the same split by a Java
 * {@code RowTransform} with the repository annotated {@code @DualWrite} (zdm's proxy syncs each save in its
 * transaction). Both migrations are {@code BACKFILLED}, as while an application writes during a real one.
 * Measured: {@code save(entity)} of one existing row, and {@code saveAll} of 1,000.
 * <p>
 * The same saves made with raw JDBC ({@code UPDATE ... SET full_name = ? WHERE id = ?}, commit; the
 * {@code @DualWrite} table synced by calling {@link ApplicationSync} directly) show the floor under the
 * repository and the proxy. All modes take turns in rounds, so drift hits them alike; each ratio is to the
 * no-sync median of its own kind in the same run. Run through {@link BackfillBenchmark} with
 * {@code -Dzdm.bench.scenario=dual-write}; {@code zdm.bench.rows} rows per table (100,000 by default here),
 * {@code zdm.bench.writes} single-row saves per mode.
 */
final class DualWriteBenchmark {

	private static final int ROUNDS = 10;

	private static final int BULK = 1_000;

	private static final int BULK_REPEATS = 30;

	private static final String[] TABLES = { "people_none", "people_trigger", "people_dual_write" };

	private final PGSimpleDataSource database;

	private final int rows;

	DualWriteBenchmark(PGSimpleDataSource database, int rows) {
		this.database = database;
		this.rows = rows;
	}

	/** One way of saving: a single row per call, or {@link #BULK} rows in one call. */
	private interface Writer {

		/** {@code count} single-row saves, each in its own transaction; nanoseconds per save into {@code times}. */
		void saves(int count, List<Long> times) throws SQLException;

		/** {@code count} saves of {@link #BULK} rows, each in one transaction. */
		void bulkSaves(int count, List<Long> times) throws SQLException;

	}

	private record Mode(String kind, String label, Writer writer) {
	}

	/**
	 * One line of the printed table.
	 *
	 * @param save {@code one row} or {@code 1,000 rows}
	 * @param through {@code CrudRepository} or raw JDBC
	 * @param sync the mode
	 * @param median the median time of a save, in nanoseconds
	 * @param ratio the median over the no-sync median of the same kind
	 */
	record Line(String save, String through, String sync, double median, double ratio) {
	}

	/**
	 * Runs the scenario and prints its table.
	 * @return the table's lines
	 * @throws IllegalStateException if the {@code @DualWrite} proxy did not run one sync per save, or a split
	 * table is out of step at the end
	 */
	List<Line> run(int writes) throws SQLException {
		for (String table : TABLES) {
			Sql.execute(this.database, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, full_name text)",
					"INSERT INTO " + table + " SELECT g, 'First' || g || ' Last ' || g FROM generate_series(1, " + this.rows
							+ ") g");
		}
		try (ConfigurableApplicationContext context = application()) {
			Orchestrator zdm = context.getBean(Orchestrator.class);
			List<NewColumn> to = List.of(new NewColumn(Identifier.of("first_name"), "text", false, null),
					new NewColumn(Identifier.of("last_name"), "text", false, null));
			zdm.start(Plan.builder(DualWriteApplication.TRIGGER_MIGRATION)
				.replaceColumns("people_trigger", List.of("full_name"), to,
						List.of("split_part(full_name, ' ', 1)",
								"nullif(substr(full_name, length(split_part(full_name, ' ', 1)) + 2), '')"),
						List.of("concat_ws(' ', first_name, last_name)"))
				.build());
			zdm.start(Plan.builder(DualWriteApplication.SYNCED_MIGRATION)
				.replaceColumns("people_dual_write", List.of("full_name"), to, "splitName")
				.build());
			// Backfilled, as while the application writes in a real migration.
			zdm.advanceTo(DualWriteApplication.TRIGGER_MIGRATION, Phase.BACKFILLED);
			zdm.advanceTo(DualWriteApplication.SYNCED_MIGRATION, Phase.BACKFILLED);
			ApplicationSync sync = zdm.applicationSync(DualWriteApplication.SYNCED_MIGRATION);
			for (String table : TABLES) {
				Sql.execute(this.database, "VACUUM ANALYZE " + table);
			}
			Sql.execute(this.database, "CHECKPOINT");
			DataSource pool = context.getBean(DataSource.class);
			CountedSyncs proxied = new CountedSyncs(sync);
			List<Mode> modes = List.of(
					new Mode("repository", "no sync", repository(context.getBean(PlainPeople.class), PlainPerson::new, null)),
					new Mode("repository", "trigger sync",
							repository(context.getBean(TriggerPeople.class), TriggerPerson::new, null)),
					new Mode("repository", "`@DualWrite` sync",
							repository(context.getBean(SyncedPeople.class), SyncedPerson::new, proxied)),
					new Mode("raw JDBC", "no sync", jdbc(pool, "people_none", null)),
					new Mode("raw JDBC", "trigger sync", jdbc(pool, "people_trigger", null)),
					new Mode("raw JDBC", "`ApplicationSync` called directly", jdbc(pool, "people_dual_write", sync)));
			Map<Mode, List<Long>> single = new LinkedHashMap<>();
			Map<Mode, List<Long>> bulk = new LinkedHashMap<>();
			for (Mode mode : modes) {
				single.put(mode, new ArrayList<>());
				bulk.put(mode, new ArrayList<>());
				// Warm-up: JIT, plan caches, the table's pages.
				mode.writer().saves(Math.max(1, writes / 10), new ArrayList<>());
				mode.writer().bulkSaves(3, new ArrayList<>());
			}
			for (int round = 0; round < ROUNDS; round++) {
				for (Mode mode : modes) {
					mode.writer().saves(Math.max(1, writes / ROUNDS), single.get(mode));
				}
				for (Mode mode : modes) {
					mode.writer().bulkSaves(Math.max(1, BULK_REPEATS / ROUNDS), bulk.get(mode));
				}
			}
			proxied.check();
			inStep();
			return print(writes, modes, single, bulk);
		}
	}

	/** The application: Spring Boot's auto-configuration over the benchmark's database. */
	private ConfigurableApplicationContext application() {
		PGSimpleDataSource url = new PGSimpleDataSource();
		url.setURL(this.database.getURL());
		// As docs/dual-write.md recommends: expand adds columns under statements the driver would have prepared.
		url.setPrepareThreshold(0);
		List<String> properties = new ArrayList<>(List.of("spring.datasource.url=" + url.getURL(),
				"spring.datasource.username=" + this.database.getUser(), "spring.datasource.hikari.maximum-pool-size=4",
				"zdm.locations=classpath:dev/zdm/benchmarks/no-plans", "logging.level.liquibase=warn"));
		if (this.database.getPassword() != null) {
			properties.add("spring.datasource.password=" + this.database.getPassword());
		}
		return new SpringApplicationBuilder(DualWriteApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(properties.toArray(new String[0]))
			.run();
	}

	/** Counts the syncs the {@code @DualWrite} proxy ran: exactly one per save call, or it measured nothing. */
	private static final class CountedSyncs {

		private final ApplicationSync sync;

		private long calls;

		private long syncs;

		CountedSyncs(ApplicationSync sync) {
			this.sync = sync;
		}

		<T> T around(java.util.function.Supplier<T> call) {
			long before = this.sync.syncCount();
			T result = call.get();
			this.syncs += this.sync.syncCount() - before;
			this.calls++;
			return result;
		}

		void check() {
			if (this.calls == 0 || this.syncs != this.calls) {
				throw new IllegalStateException("the @DualWrite proxy ran " + this.syncs + " syncs for " + this.calls
						+ " saves: expected one per save");
			}
		}

	}

	private <E> Writer repository(ListCrudRepository<E, Long> repository, Entity<E> entity, CountedSyncs counted) {
		return new Writer() {

			@Override
			public void saves(int count, List<Long> times) {
				for (int i = 0; i < count; i++) {
					long id = ThreadLocalRandom.current().nextLong(1, DualWriteBenchmark.this.rows + 1);
					E one = entity.of(id, "Saved" + i + " Name " + id);
					long start = System.nanoTime();
					if (counted != null) {
						counted.around(() -> repository.save(one));
					}
					else {
						repository.save(one);
					}
					times.add(System.nanoTime() - start);
				}
			}

			@Override
			public void bulkSaves(int count, List<Long> times) {
				for (int i = 0; i < count; i++) {
					long first = ThreadLocalRandom.current().nextLong(1, Math.max(2, DualWriteBenchmark.this.rows - BULK));
					List<E> all = new ArrayList<>(BULK);
					for (long id = first; id < first + BULK && id <= DualWriteBenchmark.this.rows; id++) {
						all.add(entity.of(id, "Bulk" + i + " Name " + id));
					}
					long start = System.nanoTime();
					if (counted != null) {
						counted.around(() -> repository.saveAll(all));
					}
					else {
						repository.saveAll(all);
					}
					times.add(System.nanoTime() - start);
				}
			}

		};
	}

	@FunctionalInterface
	private interface Entity<E> {

		E of(long id, String fullName);

	}

	/** Raw JDBC on a pooled connection: the statement a repository sends, without the repository. */
	private Writer jdbc(DataSource pool, String table, ApplicationSync sync) {
		String update = "UPDATE " + table + " SET full_name = ? WHERE id = ?";
		return new Writer() {

			@Override
			public void saves(int count, List<Long> times) throws SQLException {
				try (Connection connection = pool.getConnection()) {
					connection.setAutoCommit(false);
					try (PreparedStatement statement = connection.prepareStatement(update)) {
						for (int i = 0; i < count; i++) {
							long id = ThreadLocalRandom.current().nextLong(1, DualWriteBenchmark.this.rows + 1);
							long start = System.nanoTime();
							String fullName = "Saved" + i + " Name " + id;
							statement.setString(1, fullName);
							statement.setLong(2, id);
							statement.executeUpdate();
							if (sync != null) {
								// What the proxy does for a single save: the row's key and the values written.
								sync.sync(connection, ApplicationSync.Shape.OLD, id, Map.of("full_name", fullName));
							}
							connection.commit();
							times.add(System.nanoTime() - start);
						}
					}
				}
			}

			@Override
			public void bulkSaves(int count, List<Long> times) throws SQLException {
				try (Connection connection = pool.getConnection()) {
					connection.setAutoCommit(false);
					try (PreparedStatement statement = connection.prepareStatement(update)) {
						for (int i = 0; i < count; i++) {
							long first = ThreadLocalRandom.current().nextLong(1, Math.max(2, DualWriteBenchmark.this.rows - BULK));
							List<Long> ids = new ArrayList<>(BULK);
							long start = System.nanoTime();
							for (long id = first; id < first + BULK && id <= DualWriteBenchmark.this.rows; id++) {
								statement.setString(1, "Bulk" + i + " Name " + id);
								statement.setLong(2, id);
								statement.addBatch();
								ids.add(id);
							}
							statement.executeBatch();
							if (sync != null) {
								sync.sync(connection, ApplicationSync.Shape.OLD, ids);
							}
							connection.commit();
							times.add(System.nanoTime() - start);
						}
					}
				}
			}

		};
	}

	/** Both split tables hold both shapes of every row: the syncs measured did their work. */
	private void inStep() throws SQLException {
		for (String table : new String[] { "people_trigger", "people_dual_write" }) {
			String out = Sql.queryString(this.database, "SELECT count(*) FROM " + table + " WHERE (first_name, last_name) "
					+ "IS DISTINCT FROM (split_part(full_name, ' ', 1), "
					+ "nullif(substr(full_name, length(split_part(full_name, ' ', 1)) + 2), ''))");
			if (!"0".equals(out)) {
				throw new IllegalStateException(out + " rows of " + table + " are out of step after the run");
			}
		}
	}

	private List<Line> print(int writes, List<Mode> modes, Map<Mode, List<Long>> single, Map<Mode, List<Long>> bulk) {
		System.out.printf("%n%,d rows per table, %,d single-row saves and %d saves of %,d rows per mode, in %d rounds; "
				+ "ratios to the no-sync median of the same kind%n%n", this.rows, writes, bulk.get(modes.get(0)).size(), BULK,
				ROUNDS);
		System.out.println("| save | through | sync | median | p99 | ratio to no sync (median) |");
		System.out.println("| --- | --- | --- | --- | --- | --- |");
		List<Line> lines = new ArrayList<>();
		print(modes, single, "one row", (nanos) -> String.format("%.0f µs", nanos / 1_000), lines);
		print(modes, bulk, String.format("%,d rows", BULK), (nanos) -> String.format("%.1f ms", nanos / 1_000_000), lines);
		return lines;
	}

	private static void print(List<Mode> modes, Map<Mode, List<Long>> times, String save, Function<Double, String> unit,
			List<Line> lines) {
		Map<String, Double> base = new LinkedHashMap<>();
		for (Mode mode : modes) {
			base.putIfAbsent(mode.kind(), percentile(times.get(mode), 0.5));
		}
		for (Mode mode : modes) {
			double median = percentile(times.get(mode), 0.5);
			Line line = new Line(save, mode.kind().equals("repository") ? "`CrudRepository`" : "raw JDBC (floor)",
					mode.label(), median, median / base.get(mode.kind()));
			lines.add(line);
			System.out.printf("| %s | %s | %s | %s | %s | %.2f |%n", line.save(), line.through(), line.sync(),
					unit.apply(median), unit.apply(percentile(times.get(mode), 0.99)), line.ratio());
		}
	}

	private static double percentile(List<Long> values, double p) {
		long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
		Arrays.sort(sorted);
		return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
	}

}

package dev.zdm.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import dev.zdm.core.migration.ApplicationSync;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.ReplaceColumns.NewColumn;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.transform.RowTransform;
import dev.zdm.core.transform.TransformRegistry;

/**
 * The cost of keeping two shapes in step on a write (issue 10): the same single-row save (an
 * {@code UPDATE} of {@code full_name} by id in its own transaction) on three identical tables, one with no
 * migration, one in a {@code replaceColumns} split kept by sync triggers (SQL {@code up}/{@code down}), one
 * in the same split by a Java transform kept by {@link ApplicationSync} (what {@code @DualWrite} runs, minus
 * the Spring proxy); and a save of 1,000 rows (a JDBC batch of 1,000 single-row updates, as Spring Data's
 * {@code saveAll}) in one transaction. The modes take turns in rounds, so drift hits them alike. Run through
 * {@link BackfillBenchmark} with {@code -Dzdm.bench.scenario=dual-write}; {@code zdm.bench.rows} rows per
 * table (100,000 by default here), {@code zdm.bench.writes} single-row saves per mode (20,000).
 */
final class DualWriteBenchmark {

	private static final int ROUNDS = 10;

	private static final int BULK = 1_000;

	private static final int BULK_REPEATS = 30;

	private final DataSource dataSource;

	private final int rows;

	DualWriteBenchmark(DataSource dataSource, int rows) {
		this.dataSource = dataSource;
		this.rows = rows;
	}

	/** Splits at the first space. */
	static final class SplitName implements RowTransform {

		@Override
		public Map<String, Object> up(Map<String, Object> old) {
			String full = (String) old.get("full_name");
			int space = (full == null) ? -1 : full.indexOf(' ');
			Map<String, Object> split = new HashMap<>();
			split.put("first_name", (space < 0) ? full : full.substring(0, space));
			split.put("last_name", (space < 0) ? null : full.substring(space + 1));
			return split;
		}

		@Override
		public Map<String, Object> down(Map<String, Object> current) {
			Map<String, Object> old = new HashMap<>();
			Object last = current.get("last_name");
			old.put("full_name", current.get("first_name") + ((last == null) ? "" : " " + last));
			return old;
		}

	}

	private enum Mode {

		NONE("no sync"), TRIGGER("trigger sync"), APPLICATION("@DualWrite sync (ApplicationSync)");

		final String label;

		Mode(String label) {
			this.label = label;
		}

		String table() {
			return "people_" + name().toLowerCase();
		}

	}

	void run(int writes) throws SQLException {
		Orchestrator zdm = new Orchestrator(this.dataSource, ZdmSettings.defaults(),
				TransformRegistry.of(Map.of("splitName", new SplitName())));
		zdm.install();
		for (Mode mode : Mode.values()) {
			create(mode.table());
		}
		List<NewColumn> to = List.of(new NewColumn(Identifier.of("first_name"), "text", false, null),
				new NewColumn(Identifier.of("last_name"), "text", false, null));
		zdm.start(Plan.builder("bench-trigger")
			.replaceColumns(Mode.TRIGGER.table(), List.of("full_name"), to,
					List.of("split_part(full_name, ' ', 1)",
							"nullif(substr(full_name, length(split_part(full_name, ' ', 1)) + 2), '')"),
					List.of("concat_ws(' ', first_name, last_name)"))
			.build());
		zdm.start(Plan.builder("bench-app").replaceColumns(Mode.APPLICATION.table(), List.of("full_name"), to,
				"splitName").build());
		// Backfilled, as while the application writes in a real migration.
		zdm.advanceTo("bench-trigger", Phase.BACKFILLED);
		zdm.advanceTo("bench-app", Phase.BACKFILLED);
		ApplicationSync sync = zdm.applicationSync("bench-app");
		for (Mode mode : Mode.values()) {
			analyze(mode.table());
		}
		Map<Mode, List<Long>> single = new HashMap<>();
		Map<Mode, List<Long>> bulk = new HashMap<>();
		for (Mode mode : Mode.values()) {
			single.put(mode, new ArrayList<>());
			bulk.put(mode, new ArrayList<>());
			// Warm-up: JIT, plan caches, the table's pages.
			saves(mode, sync, Math.max(1, writes / 10), new ArrayList<>());
			bulkSaves(mode, sync, 3, new ArrayList<>());
		}
		for (int round = 0; round < ROUNDS; round++) {
			for (Mode mode : Mode.values()) {
				saves(mode, sync, Math.max(1, writes / ROUNDS), single.get(mode));
			}
			for (Mode mode : Mode.values()) {
				bulkSaves(mode, sync, Math.max(1, BULK_REPEATS / ROUNDS), bulk.get(mode));
			}
		}
		if (sync.syncCount() == 0) {
			throw new IllegalStateException("the application-side sync did not run");
		}
		print(writes, single, bulk);
	}

	private void create(String table) throws SQLException {
		try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, full_name text)");
			statement.execute("INSERT INTO " + table + " SELECT g, 'First' || g || ' Last ' || g FROM generate_series(1, "
					+ this.rows + ") g");
		}
	}

	private void analyze(String table) throws SQLException {
		try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("VACUUM ANALYZE " + table);
			statement.execute("CHECKPOINT");
		}
	}

	/** Single-row saves, each in its own transaction; nanoseconds per save into {@code times}. */
	private void saves(Mode mode, ApplicationSync sync, int count, List<Long> times) throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement update = connection
				.prepareStatement("UPDATE " + mode.table() + " SET full_name = ? WHERE id = ?")) {
				for (int i = 0; i < count; i++) {
					long id = ThreadLocalRandom.current().nextLong(1, this.rows + 1);
					long start = System.nanoTime();
					update.setString(1, "Saved" + i + " Name " + id);
					update.setLong(2, id);
					update.executeUpdate();
					if (mode == Mode.APPLICATION) {
						sync.sync(connection, ApplicationSync.Shape.OLD, List.of(id));
					}
					connection.commit();
					times.add(System.nanoTime() - start);
				}
			}
		}
	}

	/** Saves of {@link #BULK} rows in one transaction (a JDBC batch, as {@code saveAll}). */
	private void bulkSaves(Mode mode, ApplicationSync sync, int count, List<Long> times) throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement update = connection
				.prepareStatement("UPDATE " + mode.table() + " SET full_name = ? WHERE id = ?")) {
				for (int i = 0; i < count; i++) {
					long first = ThreadLocalRandom.current().nextLong(1, Math.max(2, this.rows - BULK));
					List<Long> ids = new ArrayList<>(BULK);
					long start = System.nanoTime();
					for (long id = first; id < first + BULK; id++) {
						update.setString(1, "Bulk" + i + " Name " + id);
						update.setLong(2, id);
						update.addBatch();
						ids.add(id);
					}
					update.executeBatch();
					if (mode == Mode.APPLICATION) {
						sync.sync(connection, ApplicationSync.Shape.OLD, ids);
					}
					connection.commit();
					times.add(System.nanoTime() - start);
				}
			}
		}
	}

	private void print(int writes, Map<Mode, List<Long>> single, Map<Mode, List<Long>> bulk) {
		double baseSingle = percentile(single.get(Mode.NONE), 0.5);
		double baseBulk = percentile(bulk.get(Mode.NONE), 0.5);
		System.out.printf("%n%d rows per table, %d single-row saves and %d saves of %d rows per mode, in %d rounds%n%n",
				this.rows, writes, bulk.get(Mode.NONE).size(), BULK, ROUNDS);
		System.out.println("| save | mode | median | p99 | ratio to no sync (median) |");
		System.out.println("| --- | --- | --- | --- | --- |");
		for (Mode mode : Mode.values()) {
			double median = percentile(single.get(mode), 0.5);
			System.out.printf("| one row | %s | %.0f µs | %.0f µs | %.2f |%n", mode.label, median / 1_000,
					percentile(single.get(mode), 0.99) / 1_000, median / baseSingle);
		}
		for (Mode mode : Mode.values()) {
			double median = percentile(bulk.get(mode), 0.5);
			System.out.printf("| %,d rows | %s | %.1f ms | %.1f ms | %.2f |%n", BULK, mode.label, median / 1_000_000,
					percentile(bulk.get(mode), 0.99) / 1_000_000, median / baseBulk);
		}
	}

	private static double percentile(List<Long> values, double p) {
		long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
		Arrays.sort(sorted);
		return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
	}

}

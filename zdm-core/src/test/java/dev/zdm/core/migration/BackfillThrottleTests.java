package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.Throttle;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.backfill.ThrottleSignal;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.state.MigrationEvent;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Each throttle signal fires on a provoked condition; the backfill slows down or stops, records the reason
 * (listener, event log, status) and finishes once the condition clears.
 */
@ExtendWith(PostgresExtension.class)
class BackfillThrottleTests {

	/** Threads for work that blocks (a backfill, a waiting session): never the common pool. */
	private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newCachedThreadPool();

	private static final Duration WAIT = Duration.ofSeconds(120);

	private static final int ROWS = 20_000;

	private final TestDatabase db;

	private final List<Throttle> fired = new CopyOnWriteArrayList<>();

	private final List<Integer> batches = new CopyOnWriteArrayList<>();

	/** Each batch's time and when it ended ({@link System#nanoTime()}). */
	private final List<long[]> timings = new CopyOnWriteArrayList<>();

	BackfillThrottleTests(TestDatabase db) {
		this.db = db;
	}

	private final MigrationListener listener = new MigrationListener() {

		@Override
		public void throttled(String migrationId, Throttle throttle) {
			BackfillThrottleTests.this.fired.add(throttle);
		}

		@Override
		public void batchCompleted(String migrationId, int operation, int scanned, int updated, Duration time) {
			BackfillThrottleTests.this.batches.add(scanned);
			BackfillThrottleTests.this.timings.add(new long[] { time.toNanos(), System.nanoTime() });
		}

	};

	private Orchestrator orchestrator(ThrottleSettings throttle) {
		return orchestrator(throttle, Duration.ofMillis(20));
	}

	private Orchestrator orchestrator(ThrottleSettings throttle, Duration pause) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.db.jdbcUrl());
		dataSource.setUser(this.db.user());
		if (!this.db.password().isEmpty()) {
			dataSource.setPassword(this.db.password());
		}
		dataSource.setApplicationName("zdm-engine-throttle");
		BackfillSettings settings = BackfillSettings.defaults().withBatchSizes(400, 50, 400)
			.withTargetBatchTime(Duration.ofSeconds(5)).withPause(pause)
			.withThrottle(throttle.withCheckInterval(Duration.ofMillis(100)));
		Orchestrator zdm = new Orchestrator(dataSource, ZdmSettings.defaults().withInstanceId("throttle-test")
			.withBackfill(settings).withListener(this.listener));
		zdm.install();
		return zdm;
	}

	/** A table and a migration of it advanced to EXPANDED; returns the migration id. */
	private String expanded(Orchestrator zdm, String table) {
		this.db.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO " + table + " SELECT g, g / 100.0 FROM generate_series(1, " + ROWS + ") g");
		String id = table.replace('_', '-');
		zdm.start(Plan.builder(id).changeColumnType(table, "price", "bigint", "round(price * 100)::bigint",
				"price / 100.0").build());
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		return id;
	}

	private long rowsDone(String id) {
		return this.db.queryLong("SELECT coalesce(sum(rows_done), 0) FROM zdm.zdm_backfill_range WHERE migration_id = ?", id);
	}

	private Throttle awaitFired(String signal) {
		await().atMost(WAIT).until(() -> this.fired.stream().anyMatch((t) -> t.signal().equals(signal)));
		return this.fired.stream().filter((t) -> t.signal().equals(signal)).findFirst().orElseThrow();
	}

	/** While a stop signal fires, no batch commits; the status and the event log say why. */
	private void assertStoppedWithReason(Orchestrator zdm, String id, String signal, String reason) throws Exception {
		await().atMost(WAIT).until(() -> "STOP".equals(zdm.status(id).backfill().throttle()));
		assertThat(zdm.status(id).backfill().throttleReason()).contains(signal).contains(reason);
		long before = rowsDone(id);
		// Not one batch commits for as long as the signal holds (600 ms: more than a check interval).
		await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> rowsDone(id) == before);
		assertThat(rowsDone(id)).isLessThan(ROWS);
		assertThat(events(zdm, id, "throttle")).anyMatch((detail) -> detail.startsWith(signal + " (STOP)"));
	}

	private static long backendPid(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static List<String> events(Orchestrator zdm, String id, String action) {
		return zdm.events(id).stream().filter((e) -> e.action().equals(action)).map(MigrationEvent::detail).toList();
	}

	private void finishes(Orchestrator zdm, String id, CompletableFuture<MigrationStatus> running, String signal)
			throws Exception {
		assertThat(running.get(120, TimeUnit.SECONDS).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(events(zdm, id, "throttle-cleared")).anyMatch((detail) -> detail.startsWith(signal + " cleared"));
		assertThat(this.db.queryLong("SELECT count(*) FROM " + id.replace('-', '_')
				+ " WHERE price__zdm IS DISTINCT FROM round(price * 100)::bigint")).isZero();
	}

	@Test
	void lockWaitersOnTheTableSlowTheBackfillDown() throws Exception {
		Orchestrator zdm = orchestrator(ThrottleSettings.off().withMaxLockWaiters(1));
		String id = expanded(zdm, "lock_waited");
		try (Connection holder = this.db.dataSource().getConnection();
				Connection waiter = this.db.dataSource().getConnection()) {
			holder.setAutoCommit(false);
			try (Statement statement = holder.createStatement()) {
				statement.execute("LOCK TABLE lock_waited IN ROW EXCLUSIVE MODE");
			}
			// A session queues for a SHARE lock (as CREATE INDEX would) behind the holder.
			waiter.setAutoCommit(false);
			CompletableFuture<Void> queued = CompletableFuture.runAsync(() -> {
				try (Statement statement = waiter.createStatement()) {
					statement.execute("LOCK TABLE lock_waited IN SHARE MODE");
					waiter.commit();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}, THREADS);
			await().atMost(WAIT).until(() -> this.db.queryLong("SELECT count(*) FROM pg_locks WHERE NOT granted "
					+ "AND relation = 'lock_waited'::regclass") > 0);
			CompletableFuture<MigrationStatus> running = CompletableFuture.supplyAsync(() -> zdm.advance(id), THREADS);
			Throttle throttle = awaitFired("lock-waiters");
			assertThat(throttle.response()).isEqualTo(Throttle.Response.SLOW);
			assertThat(throttle.reason()).contains("waiting for locks on");
			assertThat(events(zdm, id, "throttle")).anyMatch((detail) -> detail.startsWith("lock-waiters (SLOW)"));
			await().atMost(WAIT).until(() -> "SLOW".equals(zdm.status(id).backfill().throttle()));
			assertThat(zdm.status(id).backfill().throttleReason()).contains("lock-waiters: 1 session(s)");
			holder.commit();
			queued.get(60, TimeUnit.SECONDS);
			finishes(zdm, id, running, "lock-waiters");
		}
	}

	@Test
	void aLongTransactionStopsTheBackfillUntilItEnds() throws Exception {
		Orchestrator zdm = orchestrator(ThrottleSettings.off().withMaxTransactionAge(Duration.ofSeconds(1)));
		String id = expanded(zdm, "long_held");
		try (Connection old = this.db.dataSource().getConnection()) {
			old.setAutoCommit(false);
			try (Statement statement = old.createStatement()) {
				statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
				statement.executeQuery("SELECT count(*) FROM long_held").close();
			}
			long pid = backendPid(old);
			// The transaction is older than the signal's threshold (1 s) before the backfill starts.
			await().atMost(WAIT).until(() -> this.db.queryLong("SELECT count(*) FROM pg_stat_activity WHERE pid = ? "
					+ "AND clock_timestamp() - xact_start > interval '1.1 seconds'", (int) pid) == 1);
			CompletableFuture<MigrationStatus> running = CompletableFuture.supplyAsync(() -> zdm.advance(id), THREADS);
			Throttle throttle = awaitFired("long-transaction");
			assertThat(throttle.response()).isEqualTo(Throttle.Response.STOP);
			assertStoppedWithReason(zdm, id, "long-transaction", "holding back vacuum");
			old.commit();
			finishes(zdm, id, running, "long-transaction");
		}
	}

	/** {@code count} sessions of the test database, each running a statement until ended or closed. */
	private final class BusySessions implements AutoCloseable {

		private static final String SLEEP = "SELECT pg_sleep(120)";

		private final List<Connection> sessions = new ArrayList<>();

		BusySessions(int count) throws SQLException {
			for (int i = 0; i < count; i++) {
				Connection connection = BackfillThrottleTests.this.db.dataSource().getConnection();
				this.sessions.add(connection);
				CompletableFuture.runAsync(() -> {
					try (Statement statement = connection.createStatement()) {
						statement.execute(SLEEP);
					}
					catch (Exception ex) {
						// Cancelled by end().
					}
				}, THREADS);
			}
			await().atMost(WAIT).until(() -> BackfillThrottleTests.this.db.queryLong("SELECT count(*) FROM pg_stat_activity "
					+ "WHERE state = 'active' AND query = ? AND datname = current_database()", SLEEP) >= count);
		}

		void end() {
			BackfillThrottleTests.this.db.queryLong("SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity "
					+ "WHERE query = ? AND datname = current_database()", SLEEP);
		}

		@Override
		public void close() throws SQLException {
			end();
			for (Connection connection : this.sessions) {
				connection.close();
			}
		}

	}

	/**
	 * A {@code VACUUM (FREEZE)} of {@code table} held in progress: a cursor keeps the table's first page pinned, and
	 * the vacuum, which must freeze that page's rows, waits for the pin to go.
	 */
	private final class HeldVacuum implements AutoCloseable {

		private final Connection pin;

		private final Connection vacuum;

		private final CompletableFuture<Void> done;

		HeldVacuum(String table) throws Exception {
			this.pin = BackfillThrottleTests.this.db.dataSource().getConnection();
			this.vacuum = BackfillThrottleTests.this.db.dataSource().getConnection();
			this.pin.setAutoCommit(false);
			try (Statement statement = this.pin.createStatement()) {
				statement.execute("DECLARE held CURSOR FOR SELECT * FROM " + table);
				statement.executeQuery("FETCH 1 FROM held").close();
			}
			int pid = (int) backendPid(this.vacuum);
			this.done = CompletableFuture.runAsync(() -> {
				try (Statement statement = this.vacuum.createStatement()) {
					statement.execute("VACUUM (FREEZE) " + table);
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			}, THREADS);
			try {
				await().atMost(WAIT).until(() -> running(table) && BackfillThrottleTests.this.db.queryLong(
						"SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND wait_event = 'BufferPin'", pid) == 1);
			}
			catch (RuntimeException ex) {
				close();
				throw ex;
			}
		}

		boolean running(String table) {
			return BackfillThrottleTests.this.db.queryLong("SELECT count(*) FROM pg_stat_progress_vacuum "
					+ "WHERE relid = to_regclass(?)", table) == 1;
		}

		/** Lets the vacuum finish. */
		void release() throws Exception {
			this.pin.commit();
			this.done.get(60, TimeUnit.SECONDS);
		}

		@Override
		public void close() throws Exception {
			this.pin.rollback();
			this.done.get(60, TimeUnit.SECONDS);
			this.pin.close();
			this.vacuum.close();
		}

	}

	@Test
	void aVacuumOfTheTableStopsTheBackfillUntilItEnds() throws Exception {
		Orchestrator zdm = orchestrator(ThrottleSettings.off().withMaxVacuumWait(Duration.ofMinutes(5)));
		String id = expanded(zdm, "vacuumed");
		try (HeldVacuum vacuum = new HeldVacuum("vacuumed")) {
			CompletableFuture<MigrationStatus> running = CompletableFuture.supplyAsync(() -> zdm.advance(id), THREADS);
			Throttle throttle = awaitFired("vacuum");
			assertThat(throttle.response()).isEqualTo(Throttle.Response.STOP);
			assertThat(throttle.reason()).startsWith("a VACUUM of vacuumed (pid ").contains("at most 300 s");
			assertStoppedWithReason(zdm, id, "vacuum", "the backfill waits for it");
			vacuum.release();
			finishes(zdm, id, running, "vacuum");
		}
	}

	@Test
	void aVacuumThatOutlastsTheWaitNoLongerStopsTheBackfill() throws Exception {
		// Long enough for the first check to see the vacuum on a loaded machine, short enough to outlast.
		Orchestrator zdm = orchestrator(ThrottleSettings.off().withMaxVacuumWait(Duration.ofSeconds(5)));
		String id = expanded(zdm, "long_vacuumed");
		try (HeldVacuum vacuum = new HeldVacuum("long_vacuumed")) {
			CompletableFuture<MigrationStatus> running = CompletableFuture.supplyAsync(() -> zdm.advance(id), THREADS);
			Throttle throttle = awaitFired("vacuum");
			assertThat(throttle.response()).isEqualTo(Throttle.Response.STOP);
			assertThat(throttle.reason()).contains("at most 5 s");
			// Once it has waited that long for the vacuum, the backfill goes on beside it: it finishes while the
			// vacuum still waits for its pin.
			finishes(zdm, id, running, "vacuum");
			assertThat(vacuum.running("long_vacuumed")).isTrue();
		}
	}

	@Test
	void aVacuumOfAnotherTableDoesNotStopTheBackfill() throws Exception {
		Orchestrator zdm = orchestrator(ThrottleSettings.off().withMaxVacuumWait(Duration.ofMinutes(5)));
		String id = expanded(zdm, "vacuumed_elsewhere");
		this.db.execute("CREATE TABLE elsewhere AS SELECT g AS id FROM generate_series(1, 1000) g");
		try (HeldVacuum vacuum = new HeldVacuum("elsewhere")) {
			this.fired.clear();
			// The signals are checked before the first batch: the vacuum is seen, and is not of this table.
			assertThat(zdm.advance(id).phase()).isEqualTo(Phase.BACKFILLED);
			assertThat(vacuum.running("elsewhere")).isTrue();
			assertThat(this.fired).noneMatch((t) -> t.signal().equals("vacuum"));
			assertThat(events(zdm, id, "throttle")).noneMatch((detail) -> detail.startsWith("vacuum"));
		}
	}

	@Test
	void theCheckBeforeContractHeedsTheSignalsToo() throws Exception {
		int busy = 12;
		Orchestrator zdm = orchestrator(ThrottleSettings.off().withMaxActiveSessions(busy), Duration.ZERO);
		String id = expanded(zdm, "busy_contract");
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.SWITCHED);
		this.fired.clear();
		try (BusySessions sessions = new BusySessions(busy + 3)) {
			// The check that every row is in step, before contract, reads the table in batches: it hears the signal
			// (and waits after each batch while it fires), and still completes.
			assertThat(zdm.advance(id).phase()).isEqualTo(Phase.COMPLETED);
			assertThat(this.fired).anyMatch((t) -> t.signal().equals("active-sessions"));
			assertThat(events(zdm, id, "throttle")).anyMatch((detail) -> detail.startsWith("active-sessions (SLOW)"));
			assertThat(this.db.queryLong("SELECT count(*) FROM busy_contract WHERE price = id")).isEqualTo(ROWS);
		}
	}

	@Test
	void aBusyServerSlowsTheBackfillDown() throws Exception {
		int busy = 12;
		Orchestrator zdm = orchestrator(ThrottleSettings.off().withMaxActiveSessions(busy), Duration.ZERO);
		String id = expanded(zdm, "busy_server");
		try (BusySessions sessions = new BusySessions(busy + 3)) {
			this.batches.clear();
			this.timings.clear();
			CompletableFuture<MigrationStatus> running = CompletableFuture.supplyAsync(() -> zdm.advance(id), THREADS);
			Throttle throttle = awaitFired("active-sessions");
			assertThat(throttle.response()).isEqualTo(Throttle.Response.SLOW);
			assertThat(throttle.reason()).contains("other sessions are at work");
			await().atMost(WAIT).until(() -> this.timings.size() >= 4);
			assertThat(zdm.status(id).backfill().throttle()).isEqualTo("SLOW");
			// Slowed (no pause is configured): after each batch the backfill waits at least 10 ms and sixteen times
			// the batch's time, so it works at most a seventeenth of the time.
			List<long[]> seen = List.copyOf(this.timings);
			for (int i = 1; i < seen.size(); i++) {
				long gap = seen.get(i)[1] - seen.get(i - 1)[1];
				assertThat(gap).as("time from batch %d to the next", i)
					.isGreaterThanOrEqualTo(Math.max(10_000_000L, 16 * seen.get(i - 1)[0]));
			}
			sessions.end();
			finishes(zdm, id, running, "active-sessions");
		}
	}

	@Test
	void aReplicationSlotFallingBehindStopsTheBackfill() throws Exception {
		assumeThat(this.db.queryLong("SELECT count(*) FROM pg_replication_slots")).as("no other replication slots").isZero();
		Orchestrator zdm = orchestrator(ThrottleSettings.off().withMaxReplicationLag(Duration.ZERO, 1));
		String id = expanded(zdm, "lagging");
		String slot = "zdm_engine_test_slot";
		this.db.queryLong("SELECT count(*) FROM pg_create_physical_replication_slot('" + slot + "', true)");
		try {
			this.db.execute("CREATE TABLE wal_filler AS SELECT g FROM generate_series(1, 1000) g");
			CompletableFuture<MigrationStatus> running = CompletableFuture.supplyAsync(() -> zdm.advance(id), THREADS);
			Throttle throttle = awaitFired("replication-lag");
			assertThat(throttle.reason()).contains("replication slot " + slot);
			assertStoppedWithReason(zdm, id, "replication-lag", slot);
			this.db.queryLong("SELECT count(*) FROM pg_drop_replication_slot('" + slot + "')");
			finishes(zdm, id, running, "replication-lag");
		}
		finally {
			this.db.queryLong("SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE slot_name = '"
					+ slot + "'");
		}
	}

	@Test
	void theApplicationsOwnSignalStopsTheBackfill() throws Exception {
		AtomicReference<String> reason = new AtomicReference<>("p99 request latency 480 ms");
		Orchestrator zdm = orchestrator(ThrottleSettings.off()
			.withSignal(ThrottleSignal.of("app-latency", Throttle.Response.STOP, () -> Optional.ofNullable(reason.get()))));
		String id = expanded(zdm, "app_signal");
		CompletableFuture<MigrationStatus> running = CompletableFuture.supplyAsync(() -> zdm.advance(id), THREADS);
		assertThat(awaitFired("app-latency").reason()).isEqualTo("p99 request latency 480 ms");
		assertStoppedWithReason(zdm, id, "app-latency", "480 ms");
		reason.set(null);
		finishes(zdm, id, running, "app-latency");
	}

	@Test
	void batchesOverTheirTargetTimeShrinkAndSaySo() throws Exception {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.db.jdbcUrl());
		dataSource.setUser(this.db.user());
		if (!this.db.password().isEmpty()) {
			dataSource.setPassword(this.db.password());
		}
		this.db.execute("CREATE FUNCTION sleepy_cents(p numeric) RETURNS bigint IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN "
				+ "PERFORM pg_sleep(0.001); RETURN round(p * 100); END $$",
				"CREATE TABLE latency (id bigint PRIMARY KEY, price numeric(10,2))",
				// Enough rows for the batches to shrink below 100 after the first 400; every later batch is over its
				// target too, and pauses sixteen times its time.
				"INSERT INTO latency SELECT g, g / 100.0 FROM generate_series(1, 1000) g");
		Orchestrator zdm = new Orchestrator(dataSource, ZdmSettings.defaults().withListener(this.listener)
			.withBackfill(BackfillSettings.defaults().withBatchSizes(400, 10, 400).withParallelism(1)
				.withTargetBatchTime(Duration.ofMillis(20))
				.withThrottle(ThrottleSettings.off().withCheckInterval(Duration.ofMillis(50)))));
		zdm.install();
		zdm.start(Plan.builder("latency").changeColumnType("latency", "price", "bigint", "sleepy_cents(price)",
				"price / 100.0").build());
		this.batches.clear();
		assertThat(zdm.advanceTo("latency", Phase.BACKFILLED).phase()).isEqualTo(Phase.BACKFILLED);
		Throttle throttle = awaitFired("batch-latency");
		assertThat(throttle.response()).isEqualTo(Throttle.Response.SHRINK);
		assertThat(throttle.reason()).contains("over twice the target of 20 ms");
		assertThat(events(zdm, "latency", "throttle")).anyMatch((detail) -> detail.startsWith("batch-latency (SHRINK)"));
		assertThat(this.batches.get(0)).isEqualTo(400);
		assertThat(this.batches).anyMatch((size) -> size < 100);
	}

}

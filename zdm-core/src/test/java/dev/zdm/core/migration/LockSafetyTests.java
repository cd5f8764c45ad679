package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.zdm.core.ddl.DdlSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Acceptance: DDL waits at most the lock timeout per attempt, retries, and never makes application queries
 * queue behind it for longer than that.
 */
@ExtendWith(PostgresExtension.class)
class LockSafetyTests {

	private static final Duration LOCK_TIMEOUT = Duration.ofMillis(300);

	private final TestDatabase db;

	LockSafetyTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void createTable() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS users CASCADE",
				"CREATE TABLE users (id int PRIMARY KEY, email text)",
				"INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 1000) g");
	}

	@Test
	void expandRetriesWhileAnotherSessionHoldsAccessExclusiveAndSucceedsAfterRelease() throws Exception {
		AtomicInteger retries = new AtomicInteger();
		List<long[]> attempts = new CopyOnWriteArrayList<>();
		Orchestrator zdm = orchestrator(retries, (delay) -> attempts.add(new long[] { System.nanoTime(), delay.toNanos() }));
		CompletableFuture<Void> holder = holdLock("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", 3);
		awaitLockHeld("AccessExclusiveLock");

		long started = System.nanoTime();
		assertThat(zdm.advance("rename-email").phase()).isEqualTo(Phase.EXPANDED);
		Duration took = Duration.ofNanos(System.nanoTime() - started);

		holder.join();
		assertThat(retries.get()).isGreaterThanOrEqualTo(2);
		assertThat(took).isGreaterThan(Duration.ofSeconds(2));
		// Each attempt after the first waited for the lock at most the lock timeout (plus scheduling margin):
		// the time between two failures is one backoff delay and one attempt.
		for (int i = 1; i < attempts.size(); i++) {
			long waited = attempts.get(i)[0] - attempts.get(i - 1)[0] - attempts.get(i - 1)[1];
			assertThat(Duration.ofNanos(waited)).isLessThan(LOCK_TIMEOUT.plusMillis(250));
		}
		assertThat(zdm.events("rename-email")).anyMatch((event) -> "EXPANDED".equals(event.toPhase()));
		assertThat(LifecycleUnderLoadTests.columns(this.db, "users")).contains("email_address");
	}

	@Test
	void readersNeverQueueBehindWaitingDdlForLongerThanTheLockTimeout() throws Exception {
		AtomicInteger retries = new AtomicInteger();
		Orchestrator zdm = orchestrator(retries);
		// A long transaction that has read the table: ALTER TABLE must wait for it, and without a lock
		// timeout every later SELECT would queue behind the ALTER for the whole 3 s.
		CompletableFuture<Void> holder = holdLock("SELECT count(*) FROM users", 3);
		awaitLockHeld("AccessShareLock");
		CompletableFuture<MigrationStatus> expand = CompletableFuture.supplyAsync(() -> zdm.advance("rename-email"));

		AtomicLong longestSelect = new AtomicLong();
		int selects = 0;
		try (Connection reader = this.db.dataSource().getConnection(); Statement statement = reader.createStatement()) {
			while (!expand.isDone()) {
				long started = System.nanoTime();
				statement.executeQuery("SELECT email FROM users WHERE id = 1").close();
				longestSelect.accumulateAndGet(System.nanoTime() - started, Math::max);
				selects++;
			}
		}
		assertThat(expand.join().phase()).isEqualTo(Phase.EXPANDED);
		holder.join();
		assertThat(retries.get()).isGreaterThanOrEqualTo(2);
		assertThat(selects).isGreaterThan(10);
		System.out.printf("readers: %d SELECTs, longest %d ms, DDL lock retries %d%n", selects,
				longestSelect.get() / 1_000_000, retries.get());
		// Bound: one lock timeout of queueing, plus scheduling margin on a loaded 2-core machine.
		assertThat(Duration.ofNanos(longestSelect.get())).isLessThan(LOCK_TIMEOUT.plusMillis(700));
	}

	@Test
	void anotherInstanceIsToldTheMigrationIsBusyWhileOneAdvancesIt() throws Exception {
		AtomicInteger retries = new AtomicInteger();
		Orchestrator first = orchestrator(retries);
		Orchestrator second = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults().withInstanceId("second"));
		second.start(Plan.builder("rename-email").renameColumn("users", "email", "email_address").build());
		CompletableFuture<Void> holder = holdLock("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", 2);
		awaitLockHeld("AccessExclusiveLock");
		CompletableFuture<MigrationStatus> expand = CompletableFuture.supplyAsync(() -> first.advance("rename-email"));
		await().until(() -> retries.get() > 0);

		assertThatThrownBy(() -> second.advance("rename-email")).isInstanceOf(MigrationBusyException.class)
			.hasMessageContaining("is being changed by another instance right now");
		assertThatThrownBy(() -> second.rollback("rename-email")).isInstanceOf(MigrationBusyException.class);

		assertThat(expand.join().phase()).isEqualTo(Phase.EXPANDED);
		holder.join();
		assertThat(second.status("rename-email").error()).isNull();
		assertThat(second.advance("rename-email").phase()).isEqualTo(Phase.BACKFILLED);
	}

	private Orchestrator orchestrator(AtomicInteger retries) {
		return orchestrator(retries, (delay) -> {
		});
	}

	private Orchestrator orchestrator(AtomicInteger retries, java.util.function.Consumer<Duration> onRetry) {
		MigrationListener listener = new MigrationListener() {
			@Override
			public void lockRetry(String description, int attempt, Duration delay) {
				onRetry.accept(delay);
				retries.incrementAndGet();
			}
		};
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults()
			.withDdl(DdlSettings.defaults().withLockTimeout(LOCK_TIMEOUT).withMaxAttempts(50)
				.withBackoff(Duration.ofMillis(100), Duration.ofMillis(400)))
			.withListener(listener));
		zdm.install();
		zdm.start(Plan.builder("rename-email").renameColumn("users", "email", "email_address").build());
		return zdm;
	}

	/** In another session: a transaction that runs {@code sql} then holds its locks for {@code seconds}. */
	private CompletableFuture<Void> holdLock(String sql, int seconds) {
		return CompletableFuture.runAsync(() -> {
			try (Connection connection = this.db.dataSource().getConnection()) {
				connection.setAutoCommit(false);
				try (Statement statement = connection.createStatement()) {
					statement.execute("SET application_name = 'lock-holder'");
					statement.execute(sql);
					statement.execute("SELECT pg_sleep(" + seconds + ")");
				}
				connection.commit();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private void awaitLockHeld(String mode) {
		await().until(() -> this.db.queryLong("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
				+ "WHERE a.application_name = 'lock-holder' AND l.relation = 'users'::regclass AND l.mode = ? AND l.granted",
				mode) > 0);
	}

}

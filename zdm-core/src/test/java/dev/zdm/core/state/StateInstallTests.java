package dev.zdm.core.state;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.zdm.core.sql.Identifier;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Regressions: installing zdm's state schema is safe with several instances starting together on a fresh
 * database, and after an install that died holding Liquibase's lock.
 */
@ExtendWith(PostgresExtension.class)
class StateInstallTests {

	private static final int INSTANCES = 4;

	private final ExecutorService executor = Executors.newFixedThreadPool(INSTANCES);

	@AfterEach
	void stopExecutor() {
		this.executor.shutdownNow();
	}

	@Test
	void instancesInstallingTogetherOnAFreshDatabaseAllSucceed() {
		// A race: a few fresh databases make a lost one near-certain to show.
		for (int round = 1; round <= 3; round++) {
			try (TestDatabase fresh = TestDatabase.create()) {
				CountDownLatch start = new CountDownLatch(1);
				List<CompletableFuture<Void>> installs = new ArrayList<>();
				for (int i = 0; i < INSTANCES; i++) {
					StateStore store = new StateStore(dataSource(fresh), Identifier.of("zdm"));
					installs.add(CompletableFuture.runAsync(() -> {
						awaitStart(start);
						store.install();
					}, this.executor));
				}
				start.countDown();
				CompletableFuture.allOf(installs.toArray(CompletableFuture[]::new)).join();

				assertThat(fresh.queryLong("SELECT count(*) FROM zdm.databasechangelog")).isPositive();
				assertThat(fresh.queryLong("SELECT count(*) - count(DISTINCT (id, author, filename)) FROM zdm.databasechangelog"))
					.isZero();
				assertThat(fresh.queryStrings("SELECT locked::text FROM zdm.databasechangeloglock")).containsExactly("false");
				assertThat(fresh.queryLong("SELECT count(*) FROM zdm.zdm_migration")).isZero();
			}
		}
	}

	@Test
	void anInstallThatDiedHoldingLiquibasesLockDoesNotHoldUpTheNext(TestDatabase db) {
		// What an install killed right after Liquibase took its lock leaves behind: the lock row set, no
		// changelog yet.
		db.execute("CREATE SCHEMA zdm",
				"CREATE TABLE zdm.databasechangeloglock (id int PRIMARY KEY, locked boolean NOT NULL, "
						+ "lockgranted timestamp, lockedby varchar(255))",
				"INSERT INTO zdm.databasechangeloglock VALUES (1, true, now(), 'an instance that was killed')");

		StateStore store = new StateStore(dataSource(db), Identifier.of("zdm"));
		CompletableFuture<Void> install = CompletableFuture.runAsync(store::install, this.executor);
		// Liquibase alone would wait 5 minutes for the lock, then fail.
		await().atMost(Duration.ofMinutes(1)).until(install::isDone);
		install.join();

		assertThat(db.queryStrings("SELECT locked::text FROM zdm.databasechangeloglock")).containsExactly("false");
		assertThat(db.queryLong("SELECT count(*) FROM zdm.zdm_migration")).isZero();
		// Installing again (an upgrade, another instance starting later) is a no-op.
		store.install();
		assertThat(db.queryLong("SELECT count(*) - count(DISTINCT id) FROM zdm.databasechangelog")).isZero();
	}

	@Test
	void installingLeavesAPooledConnectionAsItFoundIt() throws Exception {
		// A pool hands the same session out again: Liquibase points its search_path at zdm's schema, and an
		// application's unqualified CREATE TABLE on that session would land there.
		try (TestDatabase fresh = TestDatabase.create(); Connection connection = dataSource(fresh).getConnection()) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET search_path = public, pg_catalog");
			}
			DataSource pool = singleSession(connection);
			new StateStore(pool, Identifier.of("zdm")).install();
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT current_setting('search_path'), current_schema()")) {
				rs.next();
				assertThat(rs.getString(1)).isEqualTo("public, pg_catalog");
				assertThat(rs.getString(2)).isEqualTo("public");
			}
			assertThat(connection.getAutoCommit()).isTrue();
		}
	}

	/** A data source that lends one session again and again, as a pool of one does; closing it returns it. */
	private static DataSource singleSession(Connection connection) {
		Connection lent = (Connection) Proxy.newProxyInstance(StateInstallTests.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					if (method.getName().equals("close")) {
						return null;
					}
					try {
						return method.invoke(connection, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
		return (DataSource) Proxy.newProxyInstance(StateInstallTests.class.getClassLoader(),
				new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
					if (method.getName().equals("getConnection")) {
						return lent;
					}
					throw new UnsupportedOperationException(method.getName());
				});
	}

	private static DataSource dataSource(TestDatabase db) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(db.jdbcUrl());
		dataSource.setUser(db.user());
		if (!db.password().isEmpty()) {
			dataSource.setPassword(db.password());
		}
		dataSource.setApplicationName("zdm-install-test");
		return dataSource;
	}

	private static void awaitStart(CountDownLatch latch) {
		try {
			if (!latch.await(1, TimeUnit.MINUTES)) {
				throw new IllegalStateException("Not started");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

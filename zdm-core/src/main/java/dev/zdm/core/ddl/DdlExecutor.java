package dev.zdm.core.ddl;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.migration.MigrationListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs DDL so that application queries never queue behind it for longer than the lock timeout: every
 * attempt sets {@code lock_timeout} and {@code statement_timeout}, and an attempt whose lock is not granted
 * (SQLSTATE 55P03) or that deadlocks (40P01) is rolled back and retried after a jittered exponential
 * backoff.
 */
public final class DdlExecutor {

	private static final Logger logger = LoggerFactory.getLogger(DdlExecutor.class);

	private static final String LOCK_NOT_AVAILABLE = "55P03";

	private static final String DEADLOCK_DETECTED = "40P01";

	private final DataSource dataSource;

	private final DdlSettings settings;

	private final MigrationListener listener;

	public DdlExecutor(DataSource dataSource, DdlSettings settings, MigrationListener listener) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.listener = listener;
	}

	public DdlSettings settings() {
		return this.settings;
	}

	/** Work done in one transaction on a connection zdm prepared. */
	@FunctionalInterface
	public interface TransactionWork {

		void run(Connection connection) throws SQLException;

	}

	/**
	 * Runs {@code work} in one transaction with the lock and statement timeouts set for it; the whole
	 * transaction is retried when a lock is not granted.
	 */
	public void inTransaction(String description, TransactionWork work) {
		run(description, this.settings.statementTimeout(), true, true, work);
	}

	/**
	 * Runs {@code work} like {@link #inTransaction}, then rolls it back: a rehearsal that proves statements
	 * would succeed (locks granted within the lock timeout, no error) without changing anything.
	 */
	public void rehearse(String description, TransactionWork work) {
		run(description, this.settings.statementTimeout(), true, false, work);
	}

	/**
	 * Runs {@code work} in one transaction like {@link #inTransaction}, without a statement timeout: for
	 * statements that scan but take only locks that do not block reads and writes
	 * ({@code VALIDATE CONSTRAINT}).
	 */
	public void inLongTransaction(String description, TransactionWork work) {
		run(description, Duration.ZERO, true, true, work);
	}

	/**
	 * Runs one statement outside a transaction ({@code CREATE INDEX CONCURRENTLY}), without a statement or
	 * lock timeout: such statements take no lock that reads or writes wait for. When an attempt fails, {@code cleanup} (may be {@code null}) runs before the next one, to drop
	 * what the failed attempt left behind (an invalid index).
	 */
	public void autocommit(String description, String sql, String cleanup) {
		run(description, Duration.ZERO, false, true, (connection) -> {
			try (Statement statement = connection.createStatement()) {
				statement.execute(sql);
			}
			catch (SQLException ex) {
				if (cleanup != null) {
					try (Statement statement = connection.createStatement()) {
						statement.execute(cleanup);
					}
					catch (SQLException cleanupFailure) {
						ex.addSuppressed(cleanupFailure);
					}
				}
				throw ex;
			}
		});
	}

	/**
	 * Runs a step on its own: {@link DdlStep.InTransaction} as {@link #inTransaction}, {@link DdlStep.Validating}
	 * as {@link #inLongTransaction}, {@link DdlStep.Concurrently} outside a transaction, dropping first an
	 * invalid index an interrupted build left under its name.
	 */
	public void run(DdlStep step) {
		if (step instanceof DdlStep.InTransaction transaction) {
			inTransaction(step.description(), (connection) -> apply(connection, transaction));
		}
		else if (step instanceof DdlStep.Validating validating) {
			inLongTransaction(step.description(), (connection) -> execute(connection, validating.sql()));
		}
		else if (step instanceof DdlStep.Concurrently concurrently) {
			String drop = (concurrently.index() != null)
					? "DROP INDEX CONCURRENTLY IF EXISTS " + concurrently.index().quoted() : null;
			if (concurrently.index() != null && isInvalidIndex(concurrently.index())) {
				autocommit("drop invalid index " + concurrently.index().name(), drop, null);
			}
			try {
				autocommit(step.description(), concurrently.sql(), drop);
			}
			catch (DdlException ex) {
				if (concurrently.failureReport() == null) {
					throw ex;
				}
				String message = ex.getMessage().strip();
				throw new DdlException((message.endsWith(".") ? message.substring(0, message.length() - 1) : message)
						+ failureReport(concurrently), ex);
			}
		}
		else {
			throw new IllegalArgumentException("Unknown step " + step);
		}
	}

	/** Runs the statements of {@code step} in the caller's transaction (which the caller set up and commits). */
	public static void apply(Connection connection, DdlStep.InTransaction step) throws SQLException {
		for (String sql : step.statements()) {
			execute(connection, sql);
		}
	}

	/**
	 * What the step's report query says of its failure (read after the failure, so that it sees what failed
	 * the statement), without a statement timeout: it scans like the statement did.
	 */
	private String failureReport(DdlStep.Concurrently step) {
		StringBuilder report = new StringBuilder();
		try {
			inLongTransaction("explain the failure of " + step.description(), (connection) -> {
				try (Statement statement = connection.createStatement();
						java.sql.ResultSet rs = statement.executeQuery(step.failureReport())) {
					if (rs.next() && rs.getString(1) != null) {
						report.append(". ").append(rs.getString(1));
					}
				}
			});
		}
		catch (RuntimeException ex) {
			logger.warn("{}: could not explain the failure: {}", step.description(), ex.getMessage());
		}
		return report.toString();
	}

	private boolean isInvalidIndex(dev.zdm.core.sql.QualifiedName index) {
		try (Connection connection = this.dataSource.getConnection()) {
			return new CatalogReader(connection).indexValid(index.schema().name(), index.name().name())
				.map((valid) -> !valid)
				.orElse(false);
		}
		catch (SQLException ex) {
			throw new DdlException("Could not read whether index " + index + " is valid: " + ex.getMessage(), ex);
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private void run(String description, Duration statementTimeout, boolean transactional, boolean commit,
			TransactionWork work) {
		for (int attempt = 1;; attempt++) {
			long started = System.nanoTime();
			try (Connection connection = this.dataSource.getConnection()) {
				boolean autoCommit = connection.getAutoCommit();
				try {
					connection.setAutoCommit(!transactional);
					setTimeouts(connection, statementTimeout, transactional);
					work.run(connection);
					if (transactional && commit) {
						connection.commit();
					}
					else if (transactional) {
						connection.rollback();
					}
					logger.info("{}: done in {} ms (attempt {})", description, (System.nanoTime() - started) / 1_000_000,
							attempt);
					return;
				}
				catch (SQLException ex) {
					if (transactional) {
						rollbackQuietly(connection, ex);
					}
					if (!isLockFailure(ex)) {
						throw new DdlException(description + " failed: " + ex.getMessage(), ex);
					}
					if (attempt >= this.settings.maxAttempts()) {
						throw new LockNotGrantedException(description + ": lock not granted within "
								+ this.settings.lockTimeout().toMillis() + " ms in " + attempt
								+ " attempts; the tables are busy: retry later or raise zdm.lock-timeout / max attempts", ex);
					}
					Duration delay = backoff(attempt);
					logger.warn("{}: attempt {} of {} did not get its lock within {} ms ({}); retrying in {} ms",
							description, attempt, this.settings.maxAttempts(), this.settings.lockTimeout().toMillis(),
							ex.getMessage(), delay.toMillis());
					this.listener.lockRetry(description, attempt, delay);
					sleep(delay);
				}
				catch (RuntimeException ex) {
					// Roll back here: resetting auto-commit below would otherwise commit the work done so far.
					if (transactional) {
						try {
							connection.rollback();
						}
						catch (SQLException rollbackFailure) {
							ex.addSuppressed(rollbackFailure);
						}
					}
					throw ex;
				}
				finally {
					resetSession(connection, autoCommit, transactional);
				}
			}
			catch (SQLException ex) {
				throw new DdlException(description + ": could not get a connection: " + ex.getMessage(), ex);
			}
		}
	}

	private void setTimeouts(Connection connection, Duration statementTimeout, boolean transactional)
			throws SQLException {
		String scope = transactional ? "SET LOCAL " : "SET ";
		// CONCURRENTLY takes SHARE UPDATE EXCLUSIVE, which no read or write waits for, then waits for older
		// transactions to end: a lock timeout would only throw away a long build without sparing any query.
		long lockTimeout = transactional ? this.settings.lockTimeout().toMillis() : 0;
		try (Statement statement = connection.createStatement()) {
			statement.execute(scope + "lock_timeout = " + lockTimeout);
			statement.execute(scope + "statement_timeout = " + statementTimeout.toMillis());
		}
	}

	private void resetSession(Connection connection, boolean autoCommit, boolean transactional) {
		try {
			if (!transactional) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("RESET lock_timeout");
					statement.execute("RESET statement_timeout");
				}
			}
			connection.setAutoCommit(autoCommit);
		}
		catch (SQLException ex) {
			logger.debug("Could not reset session settings", ex);
		}
	}

	/** Whether {@code ex} (or an exception it wraps) is a lock that was not granted or a deadlock. */
	public static boolean isLockFailure(SQLException ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof SQLException sql
					&& (LOCK_NOT_AVAILABLE.equals(sql.getSQLState()) || DEADLOCK_DETECTED.equals(sql.getSQLState()))) {
				return true;
			}
		}
		return false;
	}

	Duration backoff(int attempt) {
		long initial = this.settings.initialBackoff().toMillis();
		long max = this.settings.maxBackoff().toMillis();
		long exponential = (attempt >= 31) ? max : Math.min(max, initial << (attempt - 1));
		// Equal jitter: half fixed, half random, so that competing instances spread out but still back off.
		long half = exponential / 2;
		return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
	}

	private static void rollbackQuietly(Connection connection, SQLException cause) {
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			cause.addSuppressed(ex);
		}
	}

	private static void sleep(Duration delay) {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DdlException("Interrupted while waiting to retry", ex);
		}
	}

}

package dev.zdm.core.state;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The advisory lock that makes one instance at a time change a migration: acquired with
 * {@link StateStore#lock}, held by a session-level advisory lock on a connection of its own, released with
 * {@link #close()}.
 * <p>
 * The lock alone proves nothing to the work done on other connections: its connection can end (killed,
 * {@code idle_session_timeout}, a network cut) and another instance take the lock while this one still
 * runs a step. So every state-changing transaction of a phase calls {@link StateStore#fence}, which checks,
 * under a row lock on the migration held until that transaction ends, that this lock's session is still
 * the one holding it.
 */
public final class MigrationLock implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(MigrationLock.class);

	private final StateStore state;

	private final Connection connection;

	private final String migrationId;

	private final int pid;

	private final long backendStart;

	MigrationLock(StateStore state, Connection connection, String migrationId, int pid, long backendStart) {
		this.state = state;
		this.connection = connection;
		this.migrationId = migrationId;
		this.pid = pid;
		this.backendStart = backendStart;
	}

	/** The migration this lock holds. */
	public String migrationId() {
		return this.migrationId;
	}

	/** The process id of the session that holds the lock. */
	int pid() {
		return this.pid;
	}

	/** When that session started, in microseconds since the epoch: with the pid, it names the session. */
	long backendStart() {
		return this.backendStart;
	}

	/**
	 * Whether the lock is still held, asked on its own connection: a quick check before work that cannot run
	 * in a fenced transaction ({@code CREATE INDEX CONCURRENTLY}). Transactions use {@link StateStore#fence}.
	 */
	public boolean isHeld() {
		try {
			return this.state.holds(this.connection, this);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/** Releases the lock and its connection. A lock whose connection already ended is released already. */
	@Override
	public void close() {
		try (this.connection) {
			this.state.unlock(this.connection, this.migrationId);
		}
		catch (SQLException ex) {
			logger.debug("Migration {}: the lock's connection ended before it was released", this.migrationId, ex);
		}
	}

}

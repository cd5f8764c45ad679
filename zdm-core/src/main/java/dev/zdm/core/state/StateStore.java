package dev.zdm.core.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.zdm.core.migration.MigrationBusyException;
import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.structure.core.Table;
import liquibase.ui.LoggerUIService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * zdm's state in PostgreSQL: migrations, their audit log, completed steps and backfill ranges, in the
 * configured schema. The tables are created and upgraded by a Liquibase changelog shipped with zdm.
 */
public final class StateStore {

	static final String CHANGELOG = "dev/zdm/core/state/changelog.yaml";

	private static final Logger logger = LoggerFactory.getLogger(StateStore.class);

	/** The longest {@link #install()} waits for another instance's install of the same schema. */
	static final Duration INSTALL_WAIT = Duration.ofMinutes(2);

	/** The first key of the install lock (the second is the schema's name); apart from migration locks. */
	private static final String INSTALL_LOCK = "zdm-install";

	/** {@code backend_start} of {@code pg_stat_activity a} in microseconds: with the pid, it names a session. */
	private static final String BACKEND_START = "(extract(epoch FROM a.backend_start) * 1000000)::bigint";

	/** The oldest PostgreSQL zdm runs on. */
	public static final int MIN_POSTGRESQL_VERSION = 14;

	private final DataSource dataSource;

	private final Identifier schema;

	/** Who asked for the work this thread does, when a person did (see {@link #onBehalfOf}). */
	private final ThreadLocal<String> requester = new ThreadLocal<>();

	public StateStore(DataSource dataSource, Identifier schema) {
		this.dataSource = dataSource;
		this.schema = schema;
	}

	/** The schema that holds the state, and zdm's trigger functions. */
	public Identifier schema() {
		return this.schema;
	}

	/** A state table's qualified, quoted name. */
	public String table(String name) {
		return this.schema.quoted() + "." + Identifier.of(name).quoted();
	}

	/**
	 * Creates or upgrades the state schema. Safe to call from several instances at once, and after an install
	 * that died half-way: installs are serialised by an advisory lock held on the connection that runs
	 * Liquibase, which PostgreSQL releases when that session ends, however it ends.
	 */
	public void install() {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(true);
			int version = connection.getMetaData().getDatabaseMajorVersion();
			if (version < MIN_POSTGRESQL_VERSION) {
				throw new IllegalStateException("zdm needs PostgreSQL " + MIN_POSTGRESQL_VERSION + " or newer (it uses "
						+ "CREATE OR REPLACE TRIGGER); this server is " + connection.getMetaData().getDatabaseProductVersion());
			}
			// Liquibase points the session's search_path at zdm's schema and leaves it so: a pool would lend that
			// session to the application, whose unqualified names would then resolve in zdm's schema first.
			String searchPath = searchPath(connection);
			lockInstall(connection);
			try {
				try (Statement statement = connection.createStatement()) {
					statement.execute("CREATE SCHEMA IF NOT EXISTS " + this.schema.quoted());
				}
				catch (SQLException ex) {
					// An older zdm, which installs without the lock, creating the schema at the same time.
					if (!"23505".equals(ex.getSQLState()) && !"42P06".equals(ex.getSQLState())) {
						throw ex;
					}
				}
				Database database = DatabaseFactory.getInstance()
					.findCorrectDatabaseImplementation(new JdbcConnection(connection));
				database.setDefaultSchemaName(this.schema.name());
				database.setLiquibaseSchemaName(this.schema.name());
				releaseStaleChangelogLock(connection,
						database.correctObjectName(database.getDatabaseChangeLogLockTableName(), Table.class));
				Map<String, Object> scope = Map.of(Scope.Attr.resourceAccessor.name(),
						new ClassLoaderResourceAccessor(StateStore.class.getClassLoader()), Scope.Attr.ui.name(),
						new LoggerUIService());
				Scope.child(scope, () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
					.addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
					.addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
					.addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
					.execute());
			}
			finally {
				unlockInstall(connection);
				restoreSearchPath(connection, searchPath);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not install zdm's state schema " + this.schema + ": " + ex.getMessage(),
					ex);
		}
	}

	private static String searchPath(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT current_setting('search_path')")) {
			rs.next();
			return rs.getString(1);
		}
	}

	private void restoreSearchPath(Connection connection, String searchPath) {
		try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('search_path', ?, false)")) {
			statement.setString(1, searchPath);
			statement.execute();
		}
		catch (SQLException ex) {
			// The session would keep zdm's schema first on its path: better closed than lent to the application.
			logger.warn("Could not restore the search_path of the session that installed {}: {}", this.schema,
					ex.getMessage());
			try {
				connection.abort(Runnable::run);
			}
			catch (SQLException abort) {
				logger.debug("Could not abort the session", abort);
			}
		}
	}

	/** Waits (up to {@link #INSTALL_WAIT}) for the install lock of this schema, on {@code connection}'s session. */
	private void lockInstall(Connection connection) throws SQLException {
		long deadline = System.nanoTime() + INSTALL_WAIT.toNanos();
		while (!advisory(connection, "pg_try_advisory_lock", INSTALL_LOCK, this.schema.name())) {
			if (System.nanoTime() >= deadline) {
				throw new IllegalStateException("another instance has been installing zdm's state schema " + this.schema
						+ " for more than " + INSTALL_WAIT.toSeconds() + " s: check what it is doing (pg_stat_activity), "
						+ "then start again");
			}
			pause(Duration.ofMillis(100));
		}
	}

	private void unlockInstall(Connection connection) {
		try {
			if (!connection.getAutoCommit()) {
				connection.rollback();
				connection.setAutoCommit(true);
			}
			advisory(connection, "pg_advisory_unlock", INSTALL_LOCK, this.schema.name());
		}
		catch (SQLException ex) {
			// The lock ends with the session; closing the connection is all that is left to do.
			logger.debug("Could not release the install lock of {}", this.schema, ex);
		}
	}

	/**
	 * Releases a Liquibase lock left set by an install that died holding it (Liquibase alone would wait 5
	 * minutes, then fail). Only zdm's installer uses this table, and every installer holds the install lock
	 * before it touches it: a lock found set while holding the install lock has no live owner.
	 */
	private void releaseStaleChangelogLock(Connection connection, String lockTable) throws SQLException {
		String table = new QualifiedName(this.schema, Identifier.of(lockTable)).quoted();
		try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
			exists.setString(1, table);
			try (ResultSet rs = exists.executeQuery()) {
				if (!rs.next() || !rs.getBoolean(1)) {
					return;
				}
			}
		}
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT lockedby, lockgranted FROM " + table + " WHERE locked")) {
			if (!rs.next()) {
				return;
			}
			logger.warn("zdm's Liquibase lock in schema {} was left set by an install that ended without releasing it "
					+ "(locked by {} since {}); releasing it", this.schema, rs.getString(1), rs.getTimestamp(2));
		}
		try (Statement statement = connection.createStatement()) {
			statement.executeUpdate("UPDATE " + table + " SET locked = false, lockgranted = NULL, lockedby = NULL");
		}
	}

	/** The migration called {@code id}, if it was ever started. */
	public Optional<MigrationRecord> find(String id) {
		List<MigrationRecord> records = select("WHERE id = ?", id);
		return records.isEmpty() ? Optional.empty() : Optional.of(records.get(0));
	}

	/** Every migration, oldest first. */
	public List<MigrationRecord> findAll() {
		return select("ORDER BY created_at, id");
	}

	private List<MigrationRecord> select(String where, Object... args) {
		try (Connection connection = this.dataSource.getConnection()) {
			return select(connection, where, args);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read zdm state: " + ex.getMessage(), ex);
		}
	}

	private List<MigrationRecord> select(Connection connection, String where, Object... args) throws SQLException {
		String sql = "SELECT id, checksum, description, source, phase, error, created_at, updated_at FROM "
				+ table("zdm_migration") + " " + where;
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < args.length; i++) {
				statement.setObject(i + 1, args[i]);
			}
			List<MigrationRecord> records = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					records.add(new MigrationRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
							Phase.valueOf(rs.getString(5)), rs.getString(6), rs.getTimestamp(7).toInstant(),
							rs.getTimestamp(8).toInstant()));
				}
			}
			return records;
		}
	}

	/**
	 * The migrations that have started and neither completed nor rolled back, oldest first, with their
	 * phases, read in the caller's transaction.
	 */
	public Map<String, Phase> unfinished(Connection connection) throws SQLException {
		Map<String, Phase> unfinished = new java.util.LinkedHashMap<>();
		try (PreparedStatement statement = connection.prepareStatement("SELECT id, phase FROM " + table("zdm_migration")
				+ " WHERE phase NOT IN (?, ?, ?) ORDER BY created_at, id")) {
			statement.setString(1, Phase.COMPLETED.name());
			statement.setString(2, Phase.ROLLED_BACK.name());
			statement.setString(3, Phase.UNDONE.name());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					unfinished.put(rs.getString(1), Phase.valueOf(rs.getString(2)));
				}
			}
		}
		return unfinished;
	}

	/** Registers a new migration in {@link Phase#PENDING}; false if it already exists. */
	public boolean insert(Connection connection, String id, String checksum, String description, String source,
			String actor) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table("zdm_migration")
				+ " (id, checksum, description, source, phase) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
			statement.setString(1, id);
			statement.setString(2, checksum);
			statement.setString(3, description);
			statement.setString(4, source);
			statement.setString(5, Phase.PENDING.name());
			if (statement.executeUpdate() == 0) {
				return false;
			}
		}
		event(connection, id, "start", null, Phase.PENDING, actor, source);
		return true;
	}

	/**
	 * Moves a migration from {@code from} to {@code to} in the caller's transaction, clearing its error, and
	 * logs the event. Fails if the migration is no longer in {@code from}.
	 */
	public void transition(Connection connection, String id, Phase from, Phase to, String action, String actor)
			throws SQLException {
		if (from == to) {
			return;
		}
		try (PreparedStatement statement = connection.prepareStatement("UPDATE " + table("zdm_migration")
				+ " SET phase = ?, error = NULL, updated_at = now() WHERE id = ? AND phase = ?")) {
			statement.setString(1, to.name());
			statement.setString(2, id);
			statement.setString(3, from.name());
			if (statement.executeUpdate() != 1) {
				throw new IllegalStateException("Migration " + id + " is no longer in phase " + from);
			}
		}
		event(connection, id, action, from, to, actor, null);
	}

	/** Records an error against a migration (in its own transaction) and logs it. */
	public void recordError(String id, String action, String actor, String error) {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(true);
			try (PreparedStatement statement = connection.prepareStatement(
					"UPDATE " + table("zdm_migration") + " SET error = ?, updated_at = now() WHERE id = ?")) {
				statement.setString(1, error);
				statement.setString(2, id);
				statement.executeUpdate();
			}
			event(connection, id, action + "-failed", null, null, actor, error);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not record the error of migration " + id + ": " + ex.getMessage(), ex);
		}
	}

	/** Appends to a migration's audit log, in the caller's transaction. */
	public void event(Connection connection, String id, String action, Phase from, Phase to, String actor,
			String detail) throws SQLException {
		String requester = this.requester.get();
		if (requester != null) {
			// The person who asked is the actor; the instance that did it stays in the detail.
			detail = ((detail != null) ? detail + " " : "") + "(on instance " + actor + ")";
			actor = requester;
		}
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table("zdm_event")
				+ " (migration_id, action, from_phase, to_phase, actor, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
			statement.setString(1, id);
			statement.setString(2, action);
			statement.setString(3, (from != null) ? from.name() : null);
			statement.setString(4, (to != null) ? to.name() : null);
			statement.setString(5, actor);
			statement.setString(6, detail);
			statement.executeUpdate();
		}
	}

	/**
	 * Runs {@code work} on this thread on behalf of {@code principal}: the audit log entries it writes name
	 * the principal as their actor, and the instance that did the work in their detail. A {@code null}
	 * principal changes nothing.
	 */
	public <T> T onBehalfOf(String principal, java.util.function.Supplier<T> work) {
		if (principal == null) {
			return work.get();
		}
		String previous = this.requester.get();
		this.requester.set(principal);
		try {
			return work.get();
		}
		finally {
			if (previous != null) {
				this.requester.set(previous);
			}
			else {
				this.requester.remove();
			}
		}
	}

	/** A migration's audit log, oldest first. */
	public List<MigrationEvent> events(String id) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT at, action, from_phase, to_phase, actor, detail FROM "
						+ table("zdm_event") + " WHERE migration_id = ? ORDER BY id")) {
			statement.setString(1, id);
			List<MigrationEvent> events = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					Timestamp at = rs.getTimestamp(1);
					events.add(new MigrationEvent(at.toInstant(), rs.getString(2), rs.getString(3), rs.getString(4),
							rs.getString(5), rs.getString(6)));
				}
			}
			return events;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read zdm events: " + ex.getMessage(), ex);
		}
	}

	/** Whether a step of a migration was completed. */
	public boolean isStepDone(Connection connection, String id, String step) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT 1 FROM " + table("zdm_step") + " WHERE migration_id = ? AND step = ?")) {
			statement.setString(1, id);
			statement.setString(2, step);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next();
			}
		}
	}

	/**
	 * Marks a step done in the caller's transaction, so that it commits with the step's own changes, with
	 * what the step recorded for later phases ({@code detail}, may be {@code null}).
	 */
	public void stepDone(Connection connection, String id, String step, String detail) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table("zdm_step")
				+ " (migration_id, step, detail) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
			statement.setString(1, id);
			statement.setString(2, step);
			statement.setString(3, detail);
			statement.executeUpdate();
		}
	}

	/** What a completed step recorded; empty if the step has not run. */
	public Optional<String> stepDetail(Connection connection, String id, String step) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT coalesce(detail, '') FROM " + table("zdm_step") + " WHERE migration_id = ? AND step = ?")) {
			statement.setString(1, id);
			statement.setString(2, step);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
			}
		}
	}

	/** Forgets the completed steps of a migration, in the caller's transaction. */
	public void clearSteps(Connection connection, String id) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("DELETE FROM " + table("zdm_step") + " WHERE migration_id = ?")) {
			statement.setString(1, id);
			statement.executeUpdate();
		}
	}

	/**
	 * Takes the advisory lock that makes this instance the only one changing migration {@code id}, waiting
	 * up to {@code wait} for another instance to release it.
	 * @throws MigrationBusyException if another instance still holds it after {@code wait}
	 */
	public MigrationLock lock(String id, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		Connection connection = null;
		try {
			connection = this.dataSource.getConnection();
			connection.setAutoCommit(true);
			while (!advisory(connection, "pg_try_advisory_lock", migrationLockKey(), id)) {
				if (System.nanoTime() >= deadline) {
					throw new MigrationBusyException("Migration " + id
							+ " is being changed by another instance right now; try again when it is done");
				}
				pause(Duration.ofMillis(200));
			}
			MigrationLock lock;
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT pg_backend_pid(), " + BACKEND_START
							+ " FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()")) {
				rs.next();
				lock = new MigrationLock(this, connection, id, rs.getInt(1), rs.getLong(2));
			}
			connection = null;
			return lock;
		}
		catch (SQLException ex) {
			throw new MigrationException("Migration " + id + ": could not take its lock: " + ex.getMessage(), ex);
		}
		finally {
			if (connection != null) {
				closeQuietly(connection);
			}
		}
	}

	/** Whether {@code lock}'s session still holds it, asked on {@code connection}. */
	boolean holds(Connection connection, MigrationLock lock) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks l "
				+ "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
				+ "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
				+ "AND l.classid = hashtext(?)::oid AND l.objid = hashtext(?)::oid AND l.objsubid = 2 "
				+ "AND l.pid = ? AND " + BACKEND_START + " = ?)")) {
			statement.setString(1, migrationLockKey());
			statement.setString(2, lock.migrationId());
			statement.setInt(3, lock.pid());
			statement.setLong(4, lock.backendStart());
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		}
	}

	void unlock(Connection connection, String id) throws SQLException {
		advisory(connection, "pg_advisory_unlock", migrationLockKey(), id);
	}

	/** The first key of a migration's advisory lock (the second is its id). */
	private String migrationLockKey() {
		return "zdm:" + this.schema.name();
	}

	private static boolean advisory(Connection connection, String function, String first, String second)
			throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT " + function + "(hashtext(?), hashtext(?))")) {
			statement.setString(1, first);
			statement.setString(2, second);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		}
	}

	/**
	 * Proves, in the caller's transaction, that this instance still holds migration {@code lock}: locks the
	 * migration's row until the transaction ends (so no other instance can change the migration meanwhile)
	 * and checks that the lock's session still holds the advisory lock. Call it first in every transaction
	 * that changes a migration or its schema objects; when it throws, roll the transaction back.
	 * @param what what the transaction does, for the error
	 * @return the migration as it is now
	 * @throws MigrationBusyException if the lock was lost: another instance may be changing the migration
	 */
	public MigrationRecord fence(Connection connection, MigrationLock lock, String what) throws SQLException {
		String id = lock.migrationId();
		List<MigrationRecord> records = select(connection, "WHERE id = ? FOR UPDATE", id);
		if (records.isEmpty()) {
			throw new MigrationException("No migration " + id + " was started");
		}
		if (!holds(connection, lock)) {
			throw new MigrationBusyException("Migration " + id + ": this instance no longer holds the migration's lock "
					+ "(its connection ended), so it did not " + what + ": another instance may be changing the migration. "
					+ "Nothing of it was applied; check the migration's status, then advance or roll back again.");
		}
		return records.get(0);
	}

	/**
	 * {@link #fence(Connection, MigrationLock, String)}, and checks that the migration is still in one of
	 * {@code phases} with the plan of checksum {@code checksum}.
	 * @return the phase
	 * @throws MigrationBusyException if the lock was lost or the migration changed meanwhile
	 */
	public Phase fence(Connection connection, MigrationLock lock, String checksum, String what, Phase... phases)
			throws SQLException {
		MigrationRecord record = fence(connection, lock, what);
		if (!record.checksum().equals(checksum)) {
			throw new MigrationBusyException("Migration " + record.id() + " was restarted with another plan (it is "
					+ record.phase() + ", from " + record.source() + "), so this instance did not " + what
					+ " with the plan it has. Nothing of it was applied; load the current plan and try again.");
		}
		if (!Arrays.asList(phases).contains(record.phase())) {
			throw new MigrationBusyException("Migration " + record.id() + " is " + record.phase() + ", no longer "
					+ Arrays.stream(phases).map(Phase::name).collect(Collectors.joining(" or "))
					+ ": another instance changed it, so this one did not " + what
					+ ". Nothing of it was applied; check the migration's status.");
		}
		return record.phase();
	}

	/**
	 * Starts a rolled-back migration again from {@link Phase#PENDING} with the plan of {@code checksum}, in
	 * the caller's transaction, forgetting its completed steps; false if it is not rolled back.
	 */
	public boolean restart(Connection connection, String id, String checksum, String description, String source)
			throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("UPDATE " + table("zdm_migration")
				+ " SET checksum = ?, description = ?, source = ?, phase = ?, error = NULL, updated_at = now() "
				+ "WHERE id = ? AND phase = ?")) {
			statement.setString(1, checksum);
			statement.setString(2, description);
			statement.setString(3, source);
			statement.setString(4, Phase.PENDING.name());
			statement.setString(5, id);
			statement.setString(6, Phase.ROLLED_BACK.name());
			if (statement.executeUpdate() == 0) {
				return false;
			}
		}
		clearSteps(connection, id);
		return true;
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MigrationException("Interrupted while waiting for a lock", ex);
		}
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			logger.debug("Could not close a connection", ex);
		}
	}

}

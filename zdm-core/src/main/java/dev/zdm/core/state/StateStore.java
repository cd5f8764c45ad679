package dev.zdm.core.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import dev.zdm.core.migration.Phase;
import dev.zdm.core.sql.Identifier;
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
import liquibase.ui.LoggerUIService;

/**
 * zdm's state in PostgreSQL: migrations, their audit log, completed steps and backfill ranges, in the
 * configured schema. The tables are created and upgraded by a Liquibase changelog shipped with zdm.
 */
public final class StateStore {

	static final String CHANGELOG = "dev/zdm/core/state/changelog.yaml";

	/** The oldest PostgreSQL zdm runs on. */
	public static final int MIN_POSTGRESQL_VERSION = 14;

	private final DataSource dataSource;

	private final Identifier schema;

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

	/** Creates or upgrades the state schema. Safe to call from several instances at once. */
	public void install() {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(true);
			int version = connection.getMetaData().getDatabaseMajorVersion();
			if (version < MIN_POSTGRESQL_VERSION) {
				throw new IllegalStateException("zdm needs PostgreSQL " + MIN_POSTGRESQL_VERSION + " or newer (it uses "
						+ "CREATE OR REPLACE TRIGGER); this server is " + connection.getMetaData().getDatabaseProductVersion());
			}
			try (Statement statement = connection.createStatement()) {
				statement.execute("CREATE SCHEMA IF NOT EXISTS " + this.schema.quoted());
			}
			catch (SQLException ex) {
				// Two instances creating the schema at once: the loser sees a unique violation.
				if (!"23505".equals(ex.getSQLState()) && !"42P06".equals(ex.getSQLState())) {
					throw ex;
				}
			}
			Database database = DatabaseFactory.getInstance()
				.findCorrectDatabaseImplementation(new JdbcConnection(connection));
			database.setDefaultSchemaName(this.schema.name());
			database.setLiquibaseSchemaName(this.schema.name());
			Map<String, Object> scope = Map.of(Scope.Attr.resourceAccessor.name(),
					new ClassLoaderResourceAccessor(StateStore.class.getClassLoader()), Scope.Attr.ui.name(),
					new LoggerUIService());
			Scope.child(scope, () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
				.addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
				.addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
				.addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
				.execute());
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not install zdm's state schema " + this.schema + ": " + ex.getMessage(),
					ex);
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
		String sql = "SELECT id, checksum, description, source, phase, error, created_at, updated_at FROM "
				+ table("zdm_migration") + " " + where;
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
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
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read zdm state: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The migrations that have started and neither completed nor rolled back, oldest first, with their
	 * phases, read in the caller's transaction.
	 */
	public Map<String, Phase> unfinished(Connection connection) throws SQLException {
		Map<String, Phase> unfinished = new java.util.LinkedHashMap<>();
		try (PreparedStatement statement = connection.prepareStatement("SELECT id, phase FROM " + table("zdm_migration")
				+ " WHERE phase NOT IN (?, ?) ORDER BY created_at, id")) {
			statement.setString(1, Phase.COMPLETED.name());
			statement.setString(2, Phase.ROLLED_BACK.name());
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

}

package dev.zdm.lint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * The linter's second opinion: runs each statement of a migration on a scratch copy of the schema (same DDL,
 * no data) on a real PostgreSQL, inside a transaction, and reads which locks it took from {@code pg_locks} and
 * whether it rewrote a table or index from {@code pg_class.relfilenode}, before rolling back.
 *
 * <p>
 * The scratch copy is a schema of its own, {@code zdm_rehearsal_<random>}, put first on the
 * {@code search_path} and dropped afterwards: the statements and the schema DDL must therefore use
 * unqualified names. After each observation the statement is applied for good in the scratch schema, so the
 * next statements see its effect. Statements that cannot run in a transaction ({@code CONCURRENTLY}) are run
 * on their own and reported with a note instead of locks. Nothing touches the database's other schemas.
 */
public final class LockRehearsal {

	private static final String RELATIONS = """
			SELECT c.oid, c.relname, c.relkind, c.relfilenode FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = ? AND c.relkind IN ('r', 'i', 'm', 'p', 'I')""";

	private static final String LOCKS = """
			SELECT l.relation, l.mode FROM pg_locks l
			WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted""";

	private final DataSource dataSource;

	private final Linter linter;

	/** Rehearses on the given database, linting with the given linter's options. */
	public LockRehearsal(DataSource dataSource, Linter linter) {
		this.dataSource = dataSource;
		this.linter = linter;
	}

	/** Rehearses on the given database, linting for that server's major version. */
	public LockRehearsal(DataSource dataSource) {
		this(dataSource, null);
	}

	/**
	 * Rehearses a migration.
	 * @param schemaDdl the DDL of the existing schema (earlier migrations), run first in the scratch schema
	 * @param script the migration to rehearse, statement by statement
	 * @return one entry per statement of the script (transaction control excluded), in order
	 */
	public List<RehearsedStatement> rehearse(String schemaDdl, String script) {
		return rehearse(schemaDdl, "migration", script);
	}

	/**
	 * Rehearses a migration, reporting its statements under the given source name (its file).
	 * @param schemaDdl the DDL of the existing schema (earlier migrations), run first in the scratch schema
	 * @param source the name findings and results are reported under
	 * @param script the migration to rehearse, statement by statement
	 * @return one entry per statement of the script (transaction control excluded), in order
	 */
	public List<RehearsedStatement> rehearse(String schemaDdl, String source, String script) {
		LintRun run = linter().newRun();
		run.lintSql("schema", schemaDdl);
		List<Finding> findings = run.lintSql(source, script);
		String schema = "zdm_rehearsal_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		try (Connection connection = this.dataSource.getConnection()) {
			try {
				prepare(connection, schema, schemaDdl);
				// Like the static rules, only relations that exist before the migration count: locks on what
				// the migration itself creates cannot block anybody.
				Set<String> existing = new HashSet<>();
				relations(connection, schema).values().forEach((relation) -> existing.add(relation.name()));
				List<RehearsedStatement> rehearsed = new ArrayList<>();
				for (SqlStatement statement : SqlScriptSplitter.split(script)) {
					ParsedStatement parsed = StatementParser.parse(statement);
					if (parsed instanceof ParsedStatement.Transaction) {
						continue;
					}
					List<Finding> own = findings.stream().filter((f) -> f.statement().equals(statement.text())).toList();
					rehearsed.add(rehearse(connection, schema, existing, SourceLocation.of(source, statement.line(),
							statement.column()), statement, parsed, own));
				}
				return rehearsed;
			}
			finally {
				connection.setAutoCommit(true);
				try (Statement drop = connection.createStatement()) {
					drop.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Rehearsal failed: " + ex.getMessage(), ex);
		}
	}

	/** The linter given, or one for the rehearsal server's major version (clamped to 10..18). */
	private Linter linter() {
		if (this.linter != null) {
			return this.linter;
		}
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
			rows.next();
			int version = Math.max(10, Math.min(18, rows.getInt(1)));
			return new Linter(LintOptions.defaults().withPostgresVersion(version));
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the rehearsal server's version: " + ex.getMessage(), ex);
		}
	}

	private static void prepare(Connection connection, String schema, String schemaDdl) throws SQLException {
		connection.setAutoCommit(true);
		try (Statement statement = connection.createStatement()) {
			statement.execute("CREATE SCHEMA " + schema);
			statement.execute("SET search_path TO " + schema + ", public");
			for (SqlStatement ddl : SqlScriptSplitter.split(schemaDdl)) {
				try {
					statement.execute(ddl.text());
				}
				catch (SQLException ex) {
					throw new IllegalArgumentException("Schema DDL failed in the scratch schema at line " + ddl.line()
							+ ": " + ex.getMessage() + " (statement: " + ddl.text() + ")", ex);
				}
			}
		}
	}

	private RehearsedStatement rehearse(Connection connection, String schema, Set<String> existing,
			SourceLocation location, SqlStatement statement, ParsedStatement parsed, List<Finding> findings)
			throws SQLException {
		if (statement.tokens().stream().anyMatch((token) -> token.isWord("concurrently"))
				|| (parsed instanceof ParsedStatement.AlterType type && type.action().equals("add value"))) {
			String note = applied(connection, statement, "not rehearsed in a transaction (it cannot run in one)");
			return new RehearsedStatement(statement.text(), location, findings, List.of(), List.of(), note);
		}
		connection.setAutoCommit(false);
		try (Statement sql = connection.createStatement()) {
			Map<Long, Relation> before = relations(connection, schema);
			try {
				sql.execute(statement.text());
			}
			catch (SQLException ex) {
				connection.rollback();
				connection.setAutoCommit(true);
				return new RehearsedStatement(statement.text(), location, findings, List.of(), List.of(),
						"failed: " + ex.getMessage());
			}
			List<ObservedLock> locks = new ArrayList<>(locks(connection, before));
			locks.removeIf((lock) -> !existing.contains(lock.relation()));
			Map<Long, Relation> after = relations(connection, schema);
			List<String> rewritten = new ArrayList<>();
			Map<String, Relation> afterByName = new HashMap<>();
			after.values().forEach((relation) -> afterByName.put(relation.name(), relation));
			before.forEach((oid, relation) -> {
				// An index on a retyped column is dropped and rebuilt under the same name with a new oid.
				Relation now = after.containsKey(oid) ? after.get(oid) : afterByName.get(relation.name());
				if (now != null && relation.filenode() != 0 && now.filenode() != relation.filenode()
						&& existing.contains(relation.name())) {
					rewritten.add(relation.name());
				}
			});
			rewritten.sort(null);
			connection.rollback();
			connection.setAutoCommit(true);
			String note = applied(connection, statement, null);
			return new RehearsedStatement(statement.text(), location, findings, locks, rewritten, note);
		}
	}

	/** Applies the statement for good so that the statements after it see its effect. */
	private static String applied(Connection connection, SqlStatement statement, String note) throws SQLException {
		connection.setAutoCommit(true);
		try (Statement sql = connection.createStatement()) {
			sql.execute(statement.text());
			return note;
		}
		catch (SQLException ex) {
			return ((note != null) ? note + "; " : "") + "failed: " + ex.getMessage();
		}
	}

	private record Relation(String name, String kind, long filenode) {
	}

	private static Map<Long, Relation> relations(Connection connection, String schema) throws SQLException {
		Map<Long, Relation> relations = new HashMap<>();
		try (PreparedStatement query = connection.prepareStatement(RELATIONS)) {
			query.setString(1, schema);
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					relations.put(rows.getLong(1), new Relation(rows.getString(2), kind(rows.getString(3)), rows.getLong(4)));
				}
			}
		}
		return relations;
	}

	private static List<ObservedLock> locks(Connection connection, Map<Long, Relation> existing) throws SQLException {
		Map<String, ObservedLock> strongest = new HashMap<>();
		try (PreparedStatement query = connection.prepareStatement(LOCKS); ResultSet rows = query.executeQuery()) {
			while (rows.next()) {
				Relation relation = existing.get(rows.getLong(1));
				LockMode mode = LockMode.fromPgLocks(rows.getString(2));
				if (relation == null || mode == null) {
					continue;
				}
				ObservedLock lock = new ObservedLock(relation.name(), relation.kind(), mode);
				strongest.merge(relation.name(), lock, (a, b) -> (a.mode().compareTo(b.mode()) >= 0) ? a : b);
			}
		}
		List<ObservedLock> locks = new ArrayList<>(strongest.values());
		locks.sort(Comparator.comparing(ObservedLock::mode).reversed().thenComparing(ObservedLock::relation));
		return locks;
	}

	private static String kind(String relkind) {
		return switch (relkind) {
			case "r" -> "table";
			case "i" -> "index";
			case "I" -> "partitioned index";
			case "p" -> "partitioned table";
			case "m" -> "materialized view";
			default -> "relation";
		};
	}

}

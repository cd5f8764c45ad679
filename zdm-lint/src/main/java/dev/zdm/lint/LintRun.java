package dev.zdm.lint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import dev.zdm.lint.LiquibaseChangelogReader.ChangeSetStatements;

/**
 * A sequence of lint units that share what they learn of the schema: a migration linted after the one
 * that created a table knows the table's column types, but does not treat the table as new. Not
 * thread-safe.
 */
public final class LintRun {

	private final LintOptions options;

	private final KnownSchema schema = new KnownSchema();

	private final Set<String> lintedChangeSets = new HashSet<>();

	private final List<SuppressedFinding> suppressed = new ArrayList<>();

	private int statements;

	private String contexts;

	private String labelFilter;

	LintRun(LintOptions options) {
		this.options = options;
	}

	/** Lints a SQL script as one unit. */
	public List<Finding> lintSql(String source, String sql) {
		LintUnit unit = newUnit(source);
		List<SqlStatement> statements = SqlScriptSplitter.split(sql);
		if (this.options.scriptsRunInTransaction()) {
			long outside = statements.stream()
				.filter((statement) -> !flywayRunsInTransaction(statement, this.options.postgresVersion()))
				.count();
			if (outside == 0) {
				unit.beginImplicitTransaction();
			}
			else {
				unit.mixedTransactionScript(outside < statements.size());
			}
		}
		unit.lint(statements, null);
		this.statements += statements.size();
		this.suppressed.addAll(unit.suppressed());
		return List.copyOf(unit.findings());
	}

	/**
	 * Whether Flyway would run this statement in the script's transaction. Flyway's PostgreSQL parser runs a
	 * script that holds a statement PostgreSQL refuses in a transaction block (CREATE/DROP INDEX
	 * CONCURRENTLY, REINDEX CONCURRENTLY/SCHEMA/DATABASE/SYSTEM, VACUUM, ALTER SYSTEM, CREATE/DROP DATABASE or
	 * TABLESPACE, and before PostgreSQL 12 ALTER TYPE ... ADD VALUE) outside a transaction, statement by
	 * statement.
	 */
	static boolean flywayRunsInTransaction(SqlStatement statement, int postgresVersion) {
		ParsedStatement parsed = StatementParser.parse(statement);
		List<SqlToken> tokens = statement.tokens();
		boolean systemWide = tokens.size() > 1 && ((tokens.get(0).isWord("alter") && tokens.get(1).isWord("system"))
				|| ((tokens.get(0).isWord("create") || tokens.get(0).isWord("drop"))
						&& (tokens.get(1).isWord("database") || tokens.get(1).isWord("tablespace"))));
		return !(systemWide || (parsed instanceof ParsedStatement.CreateIndex create && create.concurrently())
				|| (parsed instanceof ParsedStatement.DropIndex drop && drop.concurrently())
				|| (parsed instanceof ParsedStatement.Reindex reindex && (reindex.concurrently()
						|| Set.of("schema", "database", "system").contains(reindex.target())))
				|| parsed instanceof ParsedStatement.Vacuum
				|| (parsed instanceof ParsedStatement.AlterType alter && alter.action().equals("add value")
						&& postgresVersion < 12));
	}

	/**
	 * Reads a SQL script that the database has already run, without reporting anything: what it creates
	 * describes the existing schema for the units linted after it (its tables count as existing, their
	 * column types are known). For migrations recorded as applied, such as Flyway's.
	 */
	public void learnSql(String source, String sql) {
		newUnit(source).lint(SqlScriptSplitter.split(sql), null);
	}

	/**
	 * Lints a file: a plain SQL script, a Liquibase formatted SQL changelog, or an XML/YAML/JSON changelog.
	 */
	public List<Finding> lintFile(Path file) {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		String display = file.toString();
		if (name.endsWith(".sql")) {
			String sql = read(file);
			if (sql.stripLeading().toLowerCase(Locale.ROOT).startsWith("--liquibase formatted sql")) {
				return lintChangelog(file);
			}
			return lintSql(display, sql);
		}
		return lintChangelog(file);
	}

	/**
	 * Lints the SQL Liquibase 4.33 generates for PostgreSQL for every changeset of a changelog. Each
	 * changelog file (the given one and each it includes) is a unit of its own, in include order.
	 */
	public List<Finding> lintChangelog(Path changelog) {
		return lintChangelog(changelog, AppliedChangeSets.NONE);
	}

	/**
	 * Lints only the changesets of a changelog that the database has not run yet, as recorded in its
	 * Liquibase {@code databasechangelog} table (none when the table does not exist). Applied changesets
	 * still teach the linter the schema: the tables they created count as existing.
	 */
	public List<Finding> lintPendingChangesets(Path changelog, DataSource dataSource) {
		return lintChangelog(changelog, AppliedChangeSets.read(dataSource));
	}

	/**
	 * Lints only the pending changesets of a changelog, as {@link #lintPendingChangesets(Path, DataSource)},
	 * as Liquibase runs it in an application: includes resolve against {@code classpathRoot} (the folder the
	 * class path starts at) first, and the applied changesets are read from the changelog table Liquibase is
	 * configured with ({@code liquibaseSchema}, {@code databaseChangeLogTable}).
	 * @param classpathRoot the class path folder holding the changelog, or null to find it from the changelog
	 * @param dataSource the database whose changelog table lists the applied changesets, or null to lint every
	 * changeset
	 * @param schema the schema of the changelog table, or null for the connection's {@code search_path}
	 * @param table the name of the changelog table, or null for {@code databasechangelog}
	 */
	public List<Finding> lintPendingChangesets(Path changelog, Path classpathRoot, DataSource dataSource, String schema,
			String table) {
		return lintChangelog(changelog, classpathRoot,
				(dataSource != null) ? AppliedChangeSets.read(dataSource, schema, table) : AppliedChangeSets.NONE);
	}

	private List<Finding> lintChangelog(Path changelog, AppliedChangeSets applied) {
		return lintChangelog(changelog, null, applied);
	}

	private List<Finding> lintChangelog(Path changelog, Path classpathRoot, AppliedChangeSets applied) {
		Path master = changelog.toAbsolutePath().normalize();
		Map<Path, LintUnit> units = new LinkedHashMap<>();
		for (ChangeSetStatements changeSet : new LiquibaseChangelogReader(changelog, this.options.postgresVersion(),
				classpathRoot).selecting(this.contexts, this.labelFilter).read()) {
			if (!this.lintedChangeSets.add(changeSet.key())) {
				continue;
			}
			if (applied.contains(changeSet.id(), changeSet.author(), changeSet.logicalPath())) {
				// Learn the schema it built, in a unit of its own so its tables do not count as new.
				newUnit(changeSet.logicalPath()).lint(changeSet.statements(), changeSet.reference());
				continue;
			}
			LintUnit unit = units.computeIfAbsent(changeSet.file(), (file) -> newUnit((file.equals(master) ? changelog
					: changelog.resolveSibling(master.getParent().relativize(file)).normalize()).toString()));
			if (changeSet.runInTransaction()) {
				unit.beginImplicitTransaction();
			}
			unit.nonTransactionalBatch(!changeSet.runInTransaction());
			for (String problem : changeSet.problems()) {
				unit.unanalysed(LintUnit.UNPARSED, changeSet.line(), changeSet.column(), problem, changeSet.reference());
			}
			for (String javaChange : changeSet.javaChanges()) {
				unit.unanalysed(LintUnit.JAVA_CHANGE, changeSet.line(), changeSet.column(), javaChange,
						changeSet.reference());
			}
			unit.lint(changeSet.statements(), changeSet.reference());
			this.statements += changeSet.statements().size();
			if (changeSet.runInTransaction()) {
				unit.endImplicitTransaction();
			}
			unit.nonTransactionalBatch(false);
		}
		List<Finding> findings = new ArrayList<>();
		units.values().forEach((unit) -> {
			findings.addAll(unit.findings());
			this.suppressed.addAll(unit.suppressed());
		});
		return List.copyOf(findings);
	}

	/**
	 * Lints, in the changelogs this run reads from now on, only the changesets Liquibase runs with these
	 * contexts and label filter ({@code spring.liquibase.contexts}, {@code label-filter}); null or blank
	 * selects every changeset, as in Liquibase.
	 * @return this run
	 */
	public LintRun selectingChangeSets(String contexts, String labelFilter) {
		this.contexts = contexts;
		this.labelFilter = labelFilter;
		return this;
	}

	/** How many statements this run has linted so far (not those of changesets the database already ran). */
	public int statements() {
		return this.statements;
	}

	/** The findings suppressions allowed so far in this run, with their reasons. */
	public List<SuppressedFinding> suppressed() {
		return List.copyOf(this.suppressed);
	}

	private LintUnit newUnit(String source) {
		return new LintUnit(source, this.options, this.schema, BuiltInRules.all());
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + file, ex);
		}
	}

	static List<SqlStatement> atPosition(List<SqlStatement> statements, int line, int column) {
		List<SqlStatement> placed = new ArrayList<>();
		for (SqlStatement statement : statements) {
			List<SqlToken> tokens = new ArrayList<>();
			for (SqlToken token : statement.tokens()) {
				tokens.add(new SqlToken(token.kind(), token.text(), token.value(), line, column));
			}
			placed.add(new SqlStatement(statement.text(), tokens, statement.comments()));
		}
		return placed;
	}

}

package dev.zdm.lint;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zdm.lint.internal.UnrunCustomChange;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Scope;
import liquibase.change.Change;
import liquibase.change.DbmsTargetedChange;
import liquibase.change.core.RawSQLChange;
import liquibase.change.core.SQLFileChange;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.filter.ContextChangeSetFilter;
import liquibase.changelog.filter.LabelChangeSetFilter;
import liquibase.database.Database;
import liquibase.database.DatabaseList;
import liquibase.database.OfflineConnection;
import liquibase.database.core.PostgresDatabase;
import liquibase.exception.LiquibaseException;
import liquibase.parser.ChangeLogParser;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.CompositeResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;
import liquibase.sql.Sql;
import liquibase.sqlgenerator.SqlGeneratorFactory;
import liquibase.statement.SqlStatement;

/**
 * Reads a Liquibase changelog (XML, YAML, JSON or formatted SQL, with its includes) and turns every changeset
 * into the SQL Liquibase 4.33 would run on PostgreSQL, using an offline database so that no connection is
 * needed. Raw SQL keeps its position in the file; SQL that Liquibase generates from a change type is reported
 * at the changeset's line.
 */
final class LiquibaseChangelogReader {

	/** One changeset's statements and where it is. */
	record ChangeSetStatements(Path file, String logicalPath, String id, String author, String key, String reference,
			boolean runInTransaction, List<dev.zdm.lint.SqlStatement> statements, int line, int column,
			List<String> problems, List<String> javaChanges) {
	}

	private final Path changelog;

	private final int postgresVersion;

	private final Path classpathRoot;

	private final Map<Path, String> texts = new HashMap<>();

	private String contexts;

	private String labelFilter;

	LiquibaseChangelogReader(Path changelog, int postgresVersion) {
		this(changelog, postgresVersion, null);
	}

	/**
	 * Reads only the changesets Liquibase runs with these contexts and label filter (each null or blank for
	 * all), as {@code liquibase update --contexts --label-filter} selects them.
	 */
	LiquibaseChangelogReader selecting(String contexts, String labelFilter) {
		this.contexts = contexts;
		this.labelFilter = labelFilter;
		return this;
	}

	/**
	 * A reader that resolves paths against {@code classpathRoot} first (the folder the application's class
	 * path starts at, holding the changelog), as Liquibase does in the application.
	 */
	LiquibaseChangelogReader(Path changelog, int postgresVersion, Path classpathRoot) {
		this.changelog = changelog.toAbsolutePath().normalize();
		this.postgresVersion = postgresVersion;
		this.classpathRoot = (classpathRoot != null) ? classpathRoot.toAbsolutePath().normalize() : null;
	}

	/** Every changeset of the changelog and its includes, in the order Liquibase would run them. */
	List<ChangeSetStatements> read() {
		UnrunCustomChange.register();
		List<ChangeSetStatements> changeSets = new ArrayList<>();
		List<Path> roots = resourceRoots(this.changelog);
		if (this.classpathRoot != null && this.changelog.startsWith(this.classpathRoot)) {
			roots.remove(this.classpathRoot);
			roots.add(0, this.classpathRoot);
		}
		String relative = roots.get(0).relativize(this.changelog).toString().replace('\\', '/');
		List<ResourceAccessor> accessors = new ArrayList<>();
		try {
			for (Path root : roots) {
				accessors.add(new DirectoryResourceAccessor(root));
			}
		}
		catch (FileNotFoundException ex) {
			throw new IllegalArgumentException("Changelog not found: " + this.changelog, ex);
		}
		try (ResourceAccessor accessor = new CompositeResourceAccessor(accessors);
				UnrunCustomChange.Reading reading = UnrunCustomChange.reading()) {
			Database database = new PostgresDatabase();
			database.setConnection(new OfflineConnection("offline:postgresql?version=" + this.postgresVersion
					+ "&outputLiquibaseSql=none", accessor));
			// sqlFile and other changes open their resources through the Scope, not the parser's accessor;
			// custom changes are read without loading their Java class (UnrunCustomChange).
			Scope.child(Map.of(Scope.Attr.resourceAccessor.name(), accessor), () -> {
				ChangeLogParser parser = ChangeLogParserFactory.getInstance().getParser(relative, accessor);
				DatabaseChangeLog changeLog = parser.parse(relative, new ChangeLogParameters(database), accessor);
				for (ChangeSet changeSet : changeLog.getChangeSets()) {
					// A changeset for other databases (dbms="h2", "!postgresql") never runs on PostgreSQL, nor
					// does one whose preconditions fail there and skip it (<dbms type="mssql"/>, onFail=MARK_RAN).
					if (!DatabaseList.definitionMatches(changeSet.getDbmsSet(), database, true)) {
						continue;
					}
					if (this.contexts != null && !this.contexts.isBlank()
							&& !new ContextChangeSetFilter(new Contexts(this.contexts)).accepts(changeSet).isAccepted()) {
						continue;
					}
					if (this.labelFilter != null && !this.labelFilter.isBlank()
							&& !new LabelChangeSetFilter(new LabelExpression(this.labelFilter)).accepts(changeSet).isAccepted()) {
						continue;
					}
					PreconditionVerdict verdict = PreconditionVerdict.onPostgres(changeSet, database);
					if (verdict == PreconditionVerdict.SKIPPED) {
						continue;
					}
					ChangeSetStatements statements = statements(roots, changeSet, database);
					if (verdict == PreconditionVerdict.HALTS) {
						statements.problems().add("The preconditions of changeset " + changeSet.getId()
								+ " fail on PostgreSQL and onFail=HALT stops the whole update there: it was not linted");
						statements.statements().clear();
					}
					changeSets.add(statements);
				}
			});
			return changeSets;
		}
		catch (LiquibaseException ex) {
			throw new IllegalArgumentException("Liquibase could not read changelog " + this.changelog + ": "
					+ ex.getMessage(), ex);
		}
		catch (IllegalArgumentException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new IllegalArgumentException("Could not lint changelog " + this.changelog + ": " + ex, ex);
		}
	}

	/**
	 * The directories Liquibase resolves paths against, in order: {@code src/main/resources} (or any
	 * {@code resources} folder) when the changelog lives under one, so classpath-style includes resolve; then
	 * the changelog's own folder and the folders above it (a few levels), so that a changelog taken out of a
	 * jar ({@code META-INF/master.xml} including {@code META-INF/x.xml}) reads as it does on the classpath.
	 */
	static List<Path> resourceRoots(Path changelog) {
		List<Path> roots = new ArrayList<>();
		for (Path dir = changelog.getParent(); dir != null; dir = dir.getParent()) {
			if (dir.getFileName() != null && dir.getFileName().toString().equals("resources")) {
				roots.add(dir);
				break;
			}
		}
		Path dir = changelog.getParent();
		for (int level = 0; dir != null && level < 4; level++, dir = dir.getParent()) {
			if (!roots.contains(dir)) {
				roots.add(dir);
			}
		}
		return roots;
	}

	/** The file a changelog path (as Liquibase read it, relative to a root) names on disk. */
	private static Path resolve(List<Path> roots, String path) {
		for (Path root : roots) {
			Path file = root.resolve(path).normalize();
			if (Files.isRegularFile(file)) {
				return file;
			}
		}
		return roots.get(0).resolve(path).normalize();
	}

	private ChangeSetStatements statements(List<Path> roots, ChangeSet changeSet, Database database) throws Exception {
		// The physical file, not logicalFilePath (which names a file that need not exist): findings point at it.
		String physical = (changeSet.getChangeLog() != null && changeSet.getChangeLog().getPhysicalFilePath() != null)
				? changeSet.getChangeLog().getPhysicalFilePath() : changeSet.getFilePath();
		Path file = resolve(roots, physical);
		String text = text(file);
		int offset = changeSetOffset(text, changeSet);
		int[] position = position(text, Math.max(offset, 0));
		List<SqlComment> changeSetComments = new ArrayList<>();
		if (changeSet.getComments() != null && changeSet.getComments().contains("zdm:allow")) {
			changeSetComments.add(new SqlComment(changeSet.getComments().strip(), position[0], position[1]));
		}
		List<dev.zdm.lint.SqlStatement> statements = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		List<String> javaChanges = new ArrayList<>();
		if (changeSet.getChanges().isEmpty() && !declaresNoChange(text, offset)) {
			// Liquibase drops change types it does not know without a word; say so rather than pass it.
			problems.add("Liquibase found no change it knows in changeset " + changeSet.getId()
					+ " (unknown change type?): nothing was linted");
		}
		for (Change change : changeSet.getChanges()) {
			if (change instanceof DbmsTargetedChange targeted
					&& !DatabaseList.definitionMatches(targeted.getDbms(), database, true)) {
				continue;
			}
			if (change instanceof UnrunCustomChange custom) {
				javaChanges.add("customChange " + custom.getClassName() + " in changeset " + changeSet.getId()
						+ " is Java code the linter does not run: review what it does by hand");
				continue;
			}
			try {
				if (change instanceof RawSQLChange raw && raw.getSql() != null) {
					statements.addAll(rawStatements(text, Math.max(offset, 0), raw.getSql(), position));
				}
				else if (change instanceof SQLFileChange sqlFile && sqlFile.getSql() != null) {
					statements.addAll(LintRun.atPosition(SqlScriptSplitter.split(sqlFile.getSql()), position[0], position[1]));
				}
				else {
					for (SqlStatement statement : change.generateStatements(database)) {
						for (Sql sql : SqlGeneratorFactory.getInstance().generateSql(statement, database)) {
							statements.addAll(LintRun.atPosition(SqlScriptSplitter.split(sql.toSql()), position[0], position[1]));
						}
					}
				}
			}
			catch (RuntimeException ex) {
				problems.add("Liquibase could not generate the SQL of change '" + change.getSerializedObjectName()
						+ "' offline (" + ex.getMessage() + "): it was not linted");
			}
		}
		for (dev.zdm.lint.SqlStatement statement : statements) {
			statement.comments().addAll(changeSetComments);
		}
		String reference = changeSet.getId() + "::" + changeSet.getAuthor();
		return new ChangeSetStatements(file, changeSet.getFilePath(), changeSet.getId(), changeSet.getAuthor(),
				file + "::" + reference, reference, changeSet.isRunInTransaction(), statements, position[0], position[1],
				problems, javaChanges);
	}

	/** Raw SQL at its real place in the changelog when it can be found there, else at the changeset. */
	private static List<dev.zdm.lint.SqlStatement> rawStatements(String text, int from, String sql, int[] changeSet) {
		int at = text.indexOf(sql, from);
		if (at < 0) {
			at = text.indexOf(sql.strip(), from);
			sql = sql.strip();
		}
		if (at < 0) {
			return LintRun.atPosition(SqlScriptSplitter.split(sql), changeSet[0], changeSet[1]);
		}
		int[] position = position(text, at);
		return SqlScriptSplitter.split(sql, position[0], position[1]);
	}

	private String text(Path file) throws IOException {
		String text = this.texts.get(file);
		if (text == null) {
			text = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
			this.texts.put(file, text);
		}
		return text;
	}

	/**
	 * Whether an XML changeset holds nothing but bookkeeping ({@code validCheckSum}, {@code comment}), as
	 * changesets emptied on purpose do: nothing is missing, so nothing is reported. False when unsure.
	 */
	static boolean declaresNoChange(String text, int offset) {
		if (offset < 0 || !text.startsWith("<changeSet", offset)) {
			return false;
		}
		int end = text.indexOf("</changeSet>", offset);
		int selfClosed = text.indexOf("/>", offset);
		int open = text.indexOf('>', offset);
		if (selfClosed >= 0 && selfClosed < open) {
			return true;
		}
		if (end < 0) {
			return false;
		}
		String body = text.substring(open + 1, end).replaceAll("(?s)<!--.*?-->", "");
		Matcher element = Pattern.compile("<([A-Za-z][\\w:.-]*)").matcher(body);
		while (element.find()) {
			String name = element.group(1);
			if (!name.equals("validCheckSum") && !name.equals("comment")) {
				return false;
			}
		}
		return true;
	}

	/** Where the changeset starts in its file, found by its id in each changelog format, or -1. */
	static int changeSetOffset(String text, ChangeSet changeSet) {
		String id = Pattern.quote(changeSet.getId());
		String author = Pattern.quote(String.valueOf(changeSet.getAuthor()));
		List<Pattern> patterns = List.of(
				Pattern.compile("<changeSet\\b[^>]*\\bid\\s*=\\s*[\"']" + id + "[\"']"),
				Pattern.compile("(?im)^\\s*--\\s*changeset\\s+" + author + ":" + id + "(\\s|$)"),
				Pattern.compile("(?m)-\\s*changeSet\\s*:\\s*\\n(\\s+\\w+\\s*:.*\\n)*?\\s+id\\s*:\\s*[\"']?" + id + "[\"']?\\s*$"),
				Pattern.compile("\"changeSet\"\\s*:\\s*\\{[^}]*?\"id\"\\s*:\\s*\"" + id + "\""));
		for (Pattern pattern : patterns) {
			Matcher matcher = pattern.matcher(text);
			if (matcher.find()) {
				int start = matcher.start();
				while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
					start++;
				}
				return start;
			}
		}
		return -1;
	}

	/** The 1-based line and column of an offset. */
	static int[] position(String text, int offset) {
		int line = 1;
		int column = 1;
		for (int i = 0; i < offset && i < text.length(); i++) {
			if (text.charAt(i) == '\n') {
				line++;
				column = 1;
			}
			else {
				column++;
			}
		}
		return new int[] { line, column };
	}

}

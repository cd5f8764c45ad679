package dev.zdm.lint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * zdm's migration safety linter: statements or files in, {@link Finding findings} out.
 *
 * <pre>{@code
 * Linter linter = new Linter(LintOptions.defaults().withPostgresVersion(16));
 * List<Finding> findings = linter.lintPaths(List.of(Path.of("src/main/resources/db")));
 * }</pre>
 *
 * <p>
 * Each file (a SQL script or a Liquibase changelog with its includes) is one lint unit: tables it creates
 * are new, so indexing or altering them in the same unit is not flagged. What earlier files create is
 * remembered as the existing schema (column types, keys) for the files that follow, so paths should be
 * given in the order the migrations run; directories are walked in file-name order. Instances are
 * immutable and thread-safe; each call is an independent run.
 */
public final class Linter {

	/**
	 * File-name order with digit runs compared as numbers, so that {@code V10__x.sql} runs after
	 * {@code V9__x.sql}, as Flyway and most tools order migrations.
	 */
	private static final Comparator<Path> MIGRATION_ORDER = (a, b) -> compareNatural(a.toString(), b.toString());

	private final LintOptions options;

	/** A linter with the given options. */
	public Linter(LintOptions options) {
		this.options = options;
	}

	/** A linter with {@link LintOptions#defaults()}. */
	public Linter() {
		this(LintOptions.defaults());
	}

	public LintOptions options() {
		return this.options;
	}

	/** Every built-in rule, ordered by id. */
	public static List<Rule> rules() {
		return List.copyOf(BuiltInRules.all().values());
	}

	/** Lints a script given as a string, as one unit named {@code <inline>}. */
	public List<Finding> lintSql(String sql) {
		return lintSql("<inline>", sql);
	}

	/** Lints a script given as a string, as one unit reported under {@code source}. */
	public List<Finding> lintSql(String source, String sql) {
		return newRun().lintSql(source, sql);
	}

	/** Lints statements (one per element, without terminating semicolon needed) as one unit. */
	public List<Finding> lintStatements(List<String> statements) {
		return lintSql(String.join(";\n", statements));
	}

	/**
	 * Lints files and directories: {@code .sql} scripts (Liquibase formatted SQL is recognised by its
	 * {@code --liquibase formatted sql} header) and Liquibase changelogs ({@code .xml}, {@code .yaml},
	 * {@code .yml}, {@code .json} holding a {@code databaseChangeLog}). Directories are searched
	 * recursively, files in name order.
	 */
	public List<Finding> lintPaths(Collection<Path> paths) {
		return check(paths).findings();
	}

	/**
	 * Lints files and directories like {@link #lintPaths}, and also answers what suppressions allowed and
	 * how many files were read, for reports.
	 */
	public LintResult check(Collection<Path> paths) {
		LintRun run = newRun();
		List<Path> files = expand(paths);
		List<Finding> findings = new ArrayList<>();
		for (Path file : files) {
			findings.addAll(run.lintFile(file));
		}
		return new LintResult(findings, run.suppressed(), files.size(), run.statements());
	}

	/** Starts a run whose units share what they learn of the schema, for callers that feed units one by one. */
	public LintRun newRun() {
		return new LintRun(this.options);
	}

	/**
	 * The files {@link #lintPaths} lints for these paths: files as given, directories walked in name order
	 * for SQL scripts and changelogs.
	 */
	public static List<Path> expand(Collection<Path> paths) {
		List<Path> files = new ArrayList<>();
		for (Path path : paths) {
			if (Files.isDirectory(path)) {
				try (Stream<Path> walk = Files.walk(path)) {
					walk.filter(Files::isRegularFile).filter(Linter::isCandidate).sorted(MIGRATION_ORDER).forEach(files::add);
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Could not list " + path, ex);
				}
			}
			else if (Files.isRegularFile(path)) {
				files.add(path);
			}
			else {
				throw new IllegalArgumentException("No such file or directory: " + path);
			}
		}
		return files;
	}

	static int compareNatural(String a, String b) {
		int i = 0;
		int j = 0;
		while (i < a.length() && j < b.length()) {
			char x = a.charAt(i);
			char y = b.charAt(j);
			if (Character.isDigit(x) && Character.isDigit(y)) {
				int endA = i;
				while (endA < a.length() && Character.isDigit(a.charAt(endA))) {
					endA++;
				}
				int endB = j;
				while (endB < b.length() && Character.isDigit(b.charAt(endB))) {
					endB++;
				}
				int compared = new BigInteger(a.substring(i, endA)).compareTo(new BigInteger(b.substring(j, endB)));
				if (compared != 0) {
					return compared;
				}
				i = endA;
				j = endB;
				continue;
			}
			if (x != y) {
				return Character.compare(x, y);
			}
			i++;
			j++;
		}
		return Integer.compare(a.length() - i, b.length() - j);
	}

	private static boolean isCandidate(Path file) {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (name.endsWith(".sql")) {
			return true;
		}
		if (name.endsWith(".xml") || name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
			try {
				return Files.readString(file, StandardCharsets.UTF_8).contains("databaseChangeLog");
			}
			catch (IOException | UncheckedIOException ex) {
				return false;
			}
		}
		return false;
	}

}

package dev.zdm.lint;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rule cases of {@code lint/rules/}: one file per rule ({@code ZDM001.sql}, its cases and its near
 * misses), a migration per case, with the rule ids it must produce.
 */
final class RuleCorpus {

	record Case(String name, List<String> expected, List<String> given, int version, boolean lockTimeout,
			boolean flyway, String sql, String file, int line) {

		boolean safe() {
			return this.expected.isEmpty();
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	private RuleCorpus() {
	}

	/** The directory of the case files. */
	static Path directory() {
		try {
			return Path.of(RuleCorpus.class.getResource("/lint/rules").toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static List<Case> load() {
		List<Case> cases = new ArrayList<>();
		try (Stream<Path> files = Files.list(directory())) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".sql")).sorted().toList()) {
				cases.addAll(load(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return cases;
	}

	private static List<Case> load(String file, String text) {
		List<Case> cases = new ArrayList<>();
		String[] lines = text.split("\n", -1);
		int i = 0;
		while (i < lines.length) {
			if (!lines[i].startsWith("-- case:")) {
				i++;
				continue;
			}
			int start = i + 1;
			String name = lines[i].substring("-- case:".length()).strip();
			List<String> expected = null;
			List<String> given = new ArrayList<>();
			int version = LintOptions.DEFAULT_POSTGRES_VERSION;
			boolean lockTimeout = true;
			boolean flyway = false;
			i++;
			while (i < lines.length && lines[i].matches("-- (expect|given|version|lock-timeout|flyway):.*")) {
				String line = lines[i];
				String value = line.substring(line.indexOf(':') + 1).strip();
				if (line.startsWith("-- expect:")) {
					expected = value.equals("none") ? List.of() : List.of(value.split("\\s*,\\s*"));
				}
				else if (line.startsWith("-- given:")) {
					given.add(value);
				}
				else if (line.startsWith("-- version:")) {
					version = Integer.parseInt(value);
				}
				else if (line.startsWith("-- flyway:")) {
					flyway = Boolean.parseBoolean(value);
				}
				else {
					lockTimeout = !value.equals("unset");
				}
				i++;
			}
			int bodyLine = i + 1;
			StringBuilder sql = new StringBuilder();
			while (i < lines.length && !lines[i].startsWith("-- case:") && !lines[i].startsWith("-- =====")) {
				sql.append(lines[i]).append('\n');
				i++;
			}
			if (expected == null) {
				throw new IllegalStateException("Case " + name + " (" + file + " line " + start + ") has no '-- expect:' line");
			}
			cases.add(new Case(name, expected, given, version, lockTimeout, flyway, sql.toString().strip(), file, bodyLine));
		}
		return cases;
	}

	/** Lints a case as a migration that follows its given schema; returns the rule ids found. */
	static List<Finding> lint(Case corpusCase) {
		LintRun run = new Linter(LintOptions.defaults()
			.withPostgresVersion(corpusCase.version())
			.withScriptsRunInTransaction(corpusCase.flyway())).newRun();
		if (!corpusCase.given().isEmpty()) {
			run.lintSql("given.sql", String.join("\n", corpusCase.given()));
		}
		if (corpusCase.sql().startsWith("<databaseChangeLog")) {
			return lintChangelog(run, corpusCase);
		}
		String preamble = corpusCase.lockTimeout() ? "SET lock_timeout = '2s';\n" : "";
		return run.lintSql(corpusCase.file(), preamble + corpusCase.sql());
	}

	/** A case written as a Liquibase XML changelog (for what only changelogs hold, such as customChange). */
	private static List<Finding> lintChangelog(LintRun run, Case corpusCase) {
		try {
			Path directory = Files.createTempDirectory("zdm-rule-case");
			Path changelog = Files.writeString(directory.resolve(corpusCase.name() + ".xml"), corpusCase.sql());
			try {
				return run.lintFile(changelog);
			}
			finally {
				Files.delete(changelog);
				Files.delete(directory);
			}
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}

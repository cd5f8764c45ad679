package dev.zdm.lint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The cases of {@code lint/corpus.sql}: a migration each, with the rule ids it must produce. */
final class RuleCorpus {

	record Case(String name, List<String> expected, List<String> given, int version, boolean lockTimeout, String sql,
			int line) {

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

	static List<Case> load() {
		String text;
		try (InputStream in = RuleCorpus.class.getResourceAsStream("/lint/corpus.sql")) {
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
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
			i++;
			while (i < lines.length && lines[i].matches("-- (expect|given|version|lock-timeout):.*")) {
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
				throw new IllegalStateException("Corpus case " + name + " (line " + start + ") has no '-- expect:' line");
			}
			cases.add(new Case(name, expected, given, version, lockTimeout, sql.toString().strip(), bodyLine));
		}
		return cases;
	}

	/** Lints a case as a migration that follows its given schema; returns the rule ids found. */
	static List<Finding> lint(Case corpusCase) {
		LintRun run = new Linter(LintOptions.defaults().withPostgresVersion(corpusCase.version())).newRun();
		if (!corpusCase.given().isEmpty()) {
			run.lintSql("given.sql", String.join("\n", corpusCase.given()));
		}
		String preamble = corpusCase.lockTimeout() ? "SET lock_timeout = '2s';\n" : "";
		return run.lintSql("corpus.sql", preamble + corpusCase.sql());
	}

}

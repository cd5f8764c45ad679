package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every prefix of every corpus statement, cut at each token, is linted without an exception and without a rule
 * failing on it: half-written or unusual SQL becomes a finding (or nothing), never a crash of the run.
 */
class TruncatedStatementTests {

	@Test
	void everyTokenPrefixOfTheCorpusLintsWithoutException() {
		Linter linter = new Linter();
		List<String> prefixes = new ArrayList<>();
		for (RuleCorpus.Case corpusCase : RuleCorpus.load()) {
			for (SqlStatement statement : SqlScriptSplitter.split(corpusCase.sql())) {
				String text = statement.text();
				int start = statement.tokens().get(0).column();
				for (SqlToken token : statement.tokens()) {
					int cut = offset(text, statement.line(), start, token);
					if (cut > 0) {
						prefixes.add(text.substring(0, cut));
					}
				}
			}
		}
		assertThat(prefixes).hasSizeGreaterThan(1500);
		List<String> failures = new ArrayList<>();
		for (String prefix : prefixes) {
			// A rule failing on a half-parsed statement is caught and reported; here it would be a bug.
			linter.lintSql(prefix).stream().filter((finding) -> finding.message().contains("could not check"))
				.forEach((finding) -> failures.add(prefix + " -> " + finding.message()));
		}
		assertThat(failures).isEmpty();
	}

	/** The offset in the statement text where a token starts. */
	private static int offset(String text, int firstLine, int firstColumn, SqlToken token) {
		int line = firstLine;
		int column = firstColumn;
		for (int i = 0; i < text.length(); i++) {
			if (line == token.line() && column == token.column()) {
				return i;
			}
			if (text.charAt(i) == '\n') {
				line++;
				column = 1;
			}
			else {
				column++;
			}
		}
		return -1;
	}

}

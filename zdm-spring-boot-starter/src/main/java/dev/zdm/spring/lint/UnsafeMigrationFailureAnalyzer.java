package dev.zdm.spring.lint;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up stopped by the lint of the application's own migrations: the report names every
 * unsafe statement with its file, line, changeset or Flyway version, rule and fix; the action says how to
 * fix it or allow it with a reason.
 */
class UnsafeMigrationFailureAnalyzer extends AbstractFailureAnalyzer<UnsafeMigrationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsafeMigrationException cause) {
		String allow = cause.tool().equals("Flyway")
				? "a comment '-- zdm:allow <RULE> <why it is safe here>' on the line before the statement"
				: "'zdm:allow <RULE> <why it is safe here>' in the changeset's comment (XML <comment>, YAML/JSON"
						+ " comment:), or a '-- zdm:allow <RULE> <why>' comment before the statement in SQL";
		String action = "Make each change as its Fix says (a zdm plan under db/zdm does most of them without"
				+ " downtime), then restart. " + cause.tool() + " has not run the pending migrations.\n"
				+ "If a statement is safe here (a small or new table, a maintenance window), allow it with " + allow
				+ ", e.g. 'zdm:allow ZDM001 lookup table of 40 rows'.\n"
				+ "To start anyway: zdm.lint.mode=warn logs this report and starts; zdm.lint.mode=off skips the"
				+ " lint. Rules: docs/lint-rules.md; the start-up lint: docs/startup-lint.md.";
		return new FailureAnalysis(cause.getMessage(), action, cause);
	}

}

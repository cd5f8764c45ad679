package dev.zdm.lint;

/**
 * One unsafe statement the linter found, with everything a reviewer needs to act on it.
 *
 * @param ruleId the stable id of the rule, such as {@code ZDM001}
 * @param severity how bad it is
 * @param message what is wrong with this statement, naming the table or column
 * @param lock the lock the statement takes and on what, e.g. {@code SHARE on table orders}
 * @param whyItHurts what the lock or rewrite does to a running application
 * @param safeAlternative how to do the same change safely, naming the zdm operation where one exists
 * @param docs the documentation anchor, {@code docs/lint-rules.md#zdm001}
 * @param location where the statement is
 * @param statement the statement's SQL, as written or as Liquibase generates it
 */
public record Finding(String ruleId, Severity severity, String message, String lock, String whyItHurts,
		String safeAlternative, String docs, SourceLocation location, String statement) {

	/** The compiler-style line: {@code path:line:column: RULE-ID: message}. */
	public String toCompilerLine() {
		String changeSet = (this.location.changeSet() != null) ? " [changeset " + this.location.changeSet() + "]" : "";
		return this.location + ": " + this.ruleId + ": " + this.message + changeSet;
	}

}

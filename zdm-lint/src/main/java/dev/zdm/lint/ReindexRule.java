package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.Reindex;

/**
 * ZDM003: REINDEX without CONCURRENTLY.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM003.sql} of zdm-lint's test resources.
 */
final class ReindexRule {

	private ReindexRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM003", "REINDEX without CONCURRENTLY", Severity.ERROR,
				"ACCESS EXCLUSIVE on the index, SHARE on the table",
				"Blocks writes to the table and every query that would use the index while it is rebuilt.",
				"PostgreSQL 12+: REINDEX ... CONCURRENTLY outside a transaction. Before 12: zdm's createIndex for a"
						+ " copy of the index, then dropIndex of the old one.",
				(context, reporter) -> {
					if (context.parsed() instanceof Reindex reindex && !reindex.concurrently()) {
						// PostgreSQL refuses CONCURRENTLY for system catalogs: REINDEX SYSTEM has no online form.
						String hint = reindex.target().equals("system")
								? "system catalogs cannot be reindexed CONCURRENTLY: run it in a maintenance window"
								: (context.targetVersion() >= 12) ? "use REINDEX " + reindex.target().toUpperCase()
								+ " CONCURRENTLY" : "PostgreSQL " + context.targetVersion()
										+ " has no REINDEX CONCURRENTLY: build a new index concurrently and drop the old one";
						reporter.report(null, reindex.target() + " " + reindex.name(),
								"REINDEX " + reindex.target().toUpperCase() + " " + reindex.name()
										+ " locks out writes and index scans; " + hint);
					}
				});
	}

}

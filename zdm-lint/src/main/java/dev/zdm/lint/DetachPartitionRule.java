package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.DetachPartition;

/**
 * ZDM025: DETACH PARTITION without CONCURRENTLY.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM025.sql} of zdm-lint's test resources.
 */
final class DetachPartitionRule {

	private DetachPartitionRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM025", "DETACH PARTITION without CONCURRENTLY", Severity.ERROR,
				"ACCESS EXCLUSIVE on the parent",
				"Blocks every read and write on the whole partitioned table until running queries finish.",
				"PostgreSQL 14+: ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY outside a transaction. Before 14:"
						+ " run it with a short lock_timeout and retries.",
				(context, reporter) -> RuleSupport.onAction(context, ParsedStatement.DetachPartition.class, (action, table) -> {
					ParsedStatement.DetachPartition detach = (ParsedStatement.DetachPartition) action;
					if (!detach.concurrently() && !detach.finalizeDetach()) {
						String hint = (context.targetVersion() >= 14) ? "use DETACH PARTITION ... CONCURRENTLY"
								: "PostgreSQL " + context.targetVersion()
										+ " has no CONCURRENTLY form: run it with a short lock_timeout and retry";
						reporter.report(action.at(), "table " + table, "DETACH PARTITION " + detach.partition()
								+ " locks all of " + table + " against reads and writes; " + hint);
					}
				}));
	}

}

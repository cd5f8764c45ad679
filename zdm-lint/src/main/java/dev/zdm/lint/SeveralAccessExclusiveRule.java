package dev.zdm.lint;

import java.util.Set;

/**
 * ZDM021: Several ACCESS EXCLUSIVE statements in one transaction.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM021.sql} of zdm-lint's test resources.
 */
final class SeveralAccessExclusiveRule {

	private SeveralAccessExclusiveRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM021", "Several ACCESS EXCLUSIVE statements in one transaction", Severity.WARNING,
				"ACCESS EXCLUSIVE, held until commit",
				"Each lock is held until the transaction commits, so the first table stays blocked while the later"
						+ " statements wait for their own locks: the outage adds up, and lock-order deadlocks appear.",
				"One ACCESS EXCLUSIVE statement per transaction (one changeset, one migration), each with a"
						+ " lock_timeout; zdm runs each DDL step in its own short transaction.",
				(context, reporter) -> {
					Set<String> others = context.accessExclusiveHeldWhileWaiting();
					if (context.inTransaction() && !others.isEmpty()
							&& context.strongestLockOnExisting() == LockMode.ACCESS_EXCLUSIVE) {
						reporter.report(null, null, "This ACCESS EXCLUSIVE statement waits for its lock while the"
								+ " transaction already holds ACCESS EXCLUSIVE on " + String.join(", ", others)
								+ " until commit");
					}
				});
	}

}

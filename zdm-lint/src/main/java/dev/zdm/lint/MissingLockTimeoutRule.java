package dev.zdm.lint;


/**
 * ZDM022: No lock_timeout before a blocking statement.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM022.sql} of zdm-lint's test resources.
 */
final class MissingLockTimeoutRule {

	private MissingLockTimeoutRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM022", "No lock_timeout before a blocking statement", Severity.WARNING,
				"the statement's lock, while it waits",
				"A statement waiting for its lock behind one long query makes every later query on the table queue"
						+ " behind it: a one-millisecond DDL becomes a minutes-long outage.",
				"SET lock_timeout = '2s' (or SET LOCAL in the transaction) before the statement and retry on"
						+ " timeout; zdm's executor does this for every step.",
				(context, reporter) -> {
					LockMode mode = context.strongestLockOnExisting();
					if (mode != null && mode.blocksWrites() && !context.lockTimeoutSet()) {
						reporter.report(null, null, "No lock_timeout is set before this statement, which needs "
								+ mode.sqlName() + ": while it waits, every query on the table queues behind it"
								+ " (reported once per file)");
					}
				});
	}

}

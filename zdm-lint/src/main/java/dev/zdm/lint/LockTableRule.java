package dev.zdm.lint;


/**
 * ZDM037: Explicit LOCK TABLE.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM037.sql} of zdm-lint's test resources.
 */
final class LockTableRule {

	private LockTableRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM037", "Explicit LOCK TABLE", Severity.WARNING, "the mode named (ACCESS EXCLUSIVE by default)",
				"Holds the lock until the end of the transaction; a strong mode blocks reads and writes for all of it.",
				"Take the weakest mode that does the job, keep the transaction short, and set lock_timeout first.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.LockTable lock) {
						LockMode mode = context.strongestLockOnExisting();
						if (mode != null && mode.blocksWrites()) {
							reporter.report(null, "tables " + lock.tables(), "LOCK TABLE " + lock.tables() + " IN "
									+ mode.sqlName() + " MODE blocks writes until the transaction ends");
						}
					}
				});
	}

}

package dev.zdm.lint;


/**
 * ZDM020: DROP NOT NULL.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM020.sql} of zdm-lint's test resources.
 */
final class DropNotNullRule {

	private DropNotNullRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM020", "DROP NOT NULL", Severity.WARNING, "ACCESS EXCLUSIVE (brief)",
				"Instant, but code still running the old version may read the new NULLs and fail, and putting the"
						+ " constraint back later costs a full-table scan (see ZDM007).",
				"Make sure every reader handles NULL before the change ships (expand phase), and run it with a"
						+ " lock_timeout; zdm's dropNotNull operation orders this for you.",
				(context, reporter) -> context.eachOnExistingTable(ParsedStatement.DropNotNull.class,
						(drop, table) -> reporter.report(drop.at(), "table " + table, "DROP NOT NULL on " + table + "."
								+ drop.column() + ": readers of the old version may not expect NULL")));
	}

}

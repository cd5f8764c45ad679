package dev.zdm.lint;


/**
 * ZDM010: EXCLUDE constraint on an existing table.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM010.sql} of zdm-lint's test resources.
 */
final class ExclusionConstraintRule {

	private ExclusionConstraintRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM010", "EXCLUDE constraint on an existing table", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Builds the exclusion index while all reads and writes are blocked; unlike UNIQUE there is no USING"
						+ " INDEX form and no NOT VALID, so it cannot be built online.",
				"Create the table with the constraint from the start, or enforce the rule with a trigger; if the"
						+ " table is small, allow it with '-- zdm:allow ZDM010 <reason>'.",
				(context, reporter) -> RuleSupport.onAddedConstraint(context, "EXCLUDE", (add, table) -> reporter.report(add.at(),
						"table " + table, "EXCLUDE constraint on existing table " + table
								+ " builds its index under ACCESS EXCLUSIVE and cannot be built concurrently")));
	}

}

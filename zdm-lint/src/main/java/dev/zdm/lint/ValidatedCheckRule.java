package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.ColumnDefinition;

/**
 * ZDM006: CHECK constraint validated on an existing table.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM006.sql} of zdm-lint's test resources.
 */
final class ValidatedCheckRule {

	private ValidatedCheckRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM006", "CHECK constraint validated on an existing table", Severity.ERROR,
				"ACCESS EXCLUSIVE",
				"Scans the whole table to check every row while all reads and writes on it are blocked.",
				"Use zdm's addCheckConstraint operation: ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE"
						+ " CONSTRAINT in a separate transaction.",
				(context, reporter) -> {
					RuleSupport.onAddedConstraint(context, "CHECK", (add, table) -> {
						if (!add.constraint().notValid()) {
							reporter.report(add.at(), "table " + table, "CHECK constraint on existing table " + table
									+ " is validated under ACCESS EXCLUSIVE; add it NOT VALID and VALIDATE it separately");
						}
					});
					RuleSupport.onAddedColumnWith(context, ColumnDefinition::check, (add, table) -> reporter.report(add.at(),
							"table " + table, "ADD COLUMN " + add.column().name() + " with a CHECK scans existing table "
									+ table + " under ACCESS EXCLUSIVE"));
				});
	}

}

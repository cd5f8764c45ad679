package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.ColumnDefinition;

/**
 * ZDM008: ADD UNIQUE without USING INDEX.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM008.sql} of zdm-lint's test resources.
 */
final class AddUniqueRule {

	private AddUniqueRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM008", "ADD UNIQUE without USING INDEX", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Builds the unique index while all reads and writes on the table are blocked.",
				"Use zdm's addUniqueConstraint operation: CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ..."
						+ " UNIQUE USING INDEX (instant).",
				(context, reporter) -> {
					RuleSupport.onAddedConstraint(context, "UNIQUE", (add, table) -> {
						if (!add.constraint().usingIndex()) {
							reporter.report(add.at(), "table " + table, "ADD UNIQUE on existing table " + table
									+ " builds its index under ACCESS EXCLUSIVE; build it concurrently and ADD ... USING INDEX");
						}
					});
					RuleSupport.onAddedColumnWith(context, ColumnDefinition::unique, (add, table) -> reporter.report(add.at(),
							"table " + table, "ADD COLUMN " + add.column().name() + " ... UNIQUE builds a unique index on"
									+ " existing table " + table + " under ACCESS EXCLUSIVE; add the column, then the index"
									+ " concurrently, then ADD ... USING INDEX"));
				});
	}

}

package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.ColumnDefinition;
import dev.zdm.lint.ParsedStatement.Generated;

/**
 * ZDM014: ADD COLUMN NOT NULL without a default.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM014.sql} of zdm-lint's test resources.
 */
final class NotNullWithoutDefaultRule {

	private NotNullWithoutDefaultRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM014", "ADD COLUMN NOT NULL without a default", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Fails as soon as the table has a row, and code of the previous version that inserts without the"
						+ " column fails once it exists.",
				"Use zdm's addColumn: add it nullable (or with a constant default), backfill, then zdm's setNotNull.",
				(context, reporter) -> context.eachOnExistingTable(AddColumn.class, (add, table) -> {
					ColumnDefinition column = add.column();
					boolean filled = column.generated() != Generated.NONE
							|| (column.type() != null && column.type().isSerial());
					if (column.notNull() && DefaultExpressions.isNullOrAbsent(column.defaultExpression()) && !filled) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + column.name()
								+ " NOT NULL without a default fails on a non-empty " + table);
					}
				}));
	}

}

package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.ColumnDefinition;

/**
 * ZDM011: ADD COLUMN with a default that rewrites the table.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM011.sql} of zdm-lint's test resources.
 */
final class RewritingDefaultRule {

	private RewritingDefaultRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM011", "ADD COLUMN with a default that rewrites the table", Severity.ERROR,
				"ACCESS EXCLUSIVE",
				"A volatile default (random(), gen_random_uuid(), clock_timestamp(), ...) must be computed per row,"
						+ " so the whole table is rewritten while reads and writes are blocked. Before PostgreSQL 11 any"
						+ " non-NULL default did this.",
				"Use zdm's addColumn with a backfill: add the column without default (or with a constant one), set"
						+ " the default for new rows, and fill existing rows in batches.",
				(context, reporter) -> context.eachOnExistingTable(AddColumn.class, (add, table) -> {
					ColumnDefinition column = add.column();
					String function = DefaultExpressions.volatileFunction(column.defaultExpression());
					if (function != null) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + column.name() + " with default "
								+ function + "(), which is or may be volatile, rewrites " + table);
					}
					else if (context.targetVersion() < 11 && !DefaultExpressions.isNullOrAbsent(column.defaultExpression())) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + column.name()
								+ " with a default rewrites " + table + " on PostgreSQL " + context.targetVersion()
								+ " (constant defaults are instant only from 11)");
					}
				}));
	}

}

package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.AlterColumnType;

/**
 * ZDM042: ALTER COLUMN TYPE that re-checks a CHECK constraint.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM042.sql} of zdm-lint's test resources.
 */
final class TypeChangeRechecksRule {

	private TypeChangeRechecksRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM042", "ALTER COLUMN TYPE that re-checks a CHECK constraint", Severity.ERROR,
				"ACCESS EXCLUSIVE",
				"Even when the new type needs no rewrite (numeric(10,2) to numeric(12,2), varchar widening), PostgreSQL"
						+ " re-validates every CHECK constraint that reads the column, scanning the whole table while reads"
						+ " and writes are blocked.",
				"Drop the CHECK, change the type, then add the CHECK back NOT VALID and VALIDATE CONSTRAINT it in a"
						+ " separate transaction (zdm's addCheckConstraint does this).",
				(context, reporter) -> context.eachOnExistingTable(AlterColumnType.class, (change, table) -> {
					if (change.column() == null || change.using()) {
						return;
					}
					KnownSchema.Table known = context.schema().table(table.key());
					DataType old = context.schema().columnType(table.key(), change.column().name());
					if (known != null && old != null && RuleSupport.rewriteFree(context, old, change.type())
							&& !old.equals(change.type()) && known.validatedCheckReads(change.column().name())) {
						reporter.report(change.at(), "table " + table, "Type change of " + table + "." + change.column()
								+ " from " + old + " to " + change.type() + " needs no rewrite but re-checks every row"
								+ " against the CHECK constraints on the column");
					}
				}));
	}

}

package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.AlterColumnType;

/**
 * ZDM015: ALTER COLUMN TYPE that rewrites the table.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM015.sql} of zdm-lint's test resources.
 */
final class TypeChangeRule {

	private TypeChangeRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM015", "ALTER COLUMN TYPE that rewrites the table", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Unless the old and new types are binary coercible (varchar(n) to a longer varchar or text, numeric"
						+ " precision growth with the same scale, cidr to inet), every row and index is rewritten while"
						+ " reads and writes are blocked.",
				"Use zdm's changeColumnType: a new column, a sync trigger, a batched backfill, then a switch-over.",
				(context, reporter) -> context.eachOnExistingTable(AlterColumnType.class, (change, table) -> {
						if (change.column() == null) {
							return;
						}
						DataType old = context.schema().columnType(table.key(), change.column().name());
						String column = table + "." + change.column();
						if (old == null) {
							reporter.report(change.at(), "table " + table, "Type change of " + column + " to "
									+ change.type() + " cannot be proven free of a rewrite: its current type is unknown to"
									+ " the linter (lint the migration that created it in the same run)");
						}
						else if (change.using() || !RuleSupport.rewriteFree(context, old, change.type())) {
							String note = (old.isOneOf("timestamp") && change.type().isOneOf("timestamptz")
									&& context.targetVersion() >= 12)
											? " (PostgreSQL 12+ skips the rewrite only if the session TimeZone is UTC:"
													+ " SET timezone = 'UTC' before it)" : "";
							reporter.report(change.at(), "table " + table, "Type change of " + column + " from " + old
									+ " to " + change.type() + " rewrites the table and its indexes" + note);
						}
				}));
	}

}

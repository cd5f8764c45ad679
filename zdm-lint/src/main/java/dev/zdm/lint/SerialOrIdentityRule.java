package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.ColumnDefinition;
import dev.zdm.lint.ParsedStatement.Generated;

/**
 * ZDM013: ADD COLUMN serial or identity.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM013.sql} of zdm-lint's test resources.
 */
final class SerialOrIdentityRule {

	private SerialOrIdentityRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM013", "ADD COLUMN serial or identity", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Every existing row needs its own sequence value: the table is rewritten while reads and writes are"
						+ " blocked.",
				"Add a nullable bigint column, attach a sequence default for new rows, backfill existing rows in"
						+ " batches (zdm's addColumn with backfill), then make it NOT NULL with zdm's setNotNull.",
				(context, reporter) -> context.eachOnExistingTable(AddColumn.class, (add, table) -> {
					ColumnDefinition column = add.column();
					if (column.generated() == Generated.IDENTITY || (column.type() != null && column.type().isSerial())) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + column.name() + " "
								+ ((column.generated() == Generated.IDENTITY) ? "GENERATED AS IDENTITY" : column.type())
								+ " fills every row of " + table + " and rewrites it");
					}
				}));
	}

}

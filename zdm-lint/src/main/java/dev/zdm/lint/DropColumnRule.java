package dev.zdm.lint;


/**
 * ZDM018: DROP COLUMN.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM018.sql} of zdm-lint's test resources.
 */
final class DropColumnRule {

	private DropColumnRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM018", "DROP COLUMN", Severity.ERROR, "ACCESS EXCLUSIVE (brief)",
				"Instant for the database, but instances still running the previous version select or insert the"
						+ " column and fail.",
				"Use zdm's dropColumn: stop reading and writing the column in one release (expand), drop it in a"
						+ " later one (contract).",
				(context, reporter) -> context.eachOnExistingTable(ParsedStatement.DropColumn.class,
						(drop, table) -> reporter.report(drop.at(), "table " + table, "DROP COLUMN " + table + "."
								+ drop.column() + " breaks code of the previous version that still uses it")));
	}

}

package dev.zdm.lint;


/**
 * ZDM016: RENAME COLUMN.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM016.sql} of zdm-lint's test resources.
 */
final class RenameColumnRule {

	private RenameColumnRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM016", "RENAME COLUMN", Severity.ERROR, "ACCESS EXCLUSIVE (brief)",
				"Instant for the database, but every instance still running the previous version queries the old name"
						+ " and fails until it is replaced.",
				"Use zdm's renameColumn: expand with the new column kept in sync (or a view), switch readers and"
						+ " writers, then contract.",
				(context, reporter) -> context.eachOnExistingTable(ParsedStatement.RenameColumn.class,
						(rename, table) -> reporter.report(rename.at(), "table " + table, "RENAME COLUMN " + table + "."
								+ rename.column() + " to " + rename.newName() + " breaks code that still uses the old name")));
	}

}

package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.Generated;

/**
 * ZDM012: ADD COLUMN ... GENERATED ALWAYS AS (...) STORED.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM012.sql} of zdm-lint's test resources.
 */
final class StoredGeneratedRule {

	private StoredGeneratedRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM012", "ADD COLUMN ... GENERATED ALWAYS AS (...) STORED", Severity.ERROR,
				"ACCESS EXCLUSIVE",
				"The generated value is computed and stored for every existing row: the table is rewritten while"
						+ " reads and writes are blocked.",
				"Add a plain column, fill it in batches with zdm's backfill and keep it current with a trigger; on"
						+ " PostgreSQL 18 a VIRTUAL generated column is computed on read and added instantly.",
				(context, reporter) -> context.eachOnExistingTable(AddColumn.class, (add, table) -> {
					if (add.column().generated() == Generated.STORED) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + add.column().name()
								+ " GENERATED ... STORED rewrites " + table);
					}
					else if (add.column().generated() == Generated.VIRTUAL && context.targetVersion() < 18) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + add.column().name()
								+ " GENERATED without STORED needs PostgreSQL 18 (virtual columns); on "
								+ context.targetVersion() + " it must be STORED, which rewrites " + table);
					}
				}));
	}

}

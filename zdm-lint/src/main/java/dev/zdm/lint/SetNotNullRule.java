package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.AddConstraint;
import dev.zdm.lint.ParsedStatement.AlterAction;

/**
 * ZDM007: SET NOT NULL on an existing column.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM007.sql} of zdm-lint's test resources.
 */
final class SetNotNullRule {

	private SetNotNullRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM007", "SET NOT NULL on an existing column", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Scans the whole table to prove no NULL exists while all reads and writes on it are blocked.",
				"Use zdm's setNotNull operation: ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE it,"
						+ " then SET NOT NULL, which PostgreSQL 12+ proves from the valid CHECK without a scan, then drop"
						+ " the CHECK. PostgreSQL 18: ADD CONSTRAINT ... NOT NULL col NOT VALID, then VALIDATE.",
				(context, reporter) -> context.eachOnExistingTable(AlterAction.class, (each, table) -> {
						KnownSchema.Table known = context.schema().table(table.key());
						String column = null;
						if (each instanceof ParsedStatement.SetNotNull set && set.column() != null) {
							column = set.column().name();
						}
						else if (each instanceof AddConstraint add && add.constraint().kind().equals("NOT NULL")
								&& !add.constraint().notValid() && !add.constraint().columns().isEmpty()) {
							column = add.constraint().columns().get(0);
						}
						if (column == null) {
							return;
						}
						boolean proven = known != null && known.provenNotNull.contains(column);
						if (proven && context.targetVersion() >= 12) {
							return;
						}
						String why = proven ? "; PostgreSQL " + context.targetVersion()
								+ " cannot use the valid CHECK (IS NOT NULL) to skip the scan (12+ can)" : "";
						reporter.report(each.at(), "table " + table, "SET NOT NULL on " + table + "." + column
								+ " scans the table under ACCESS EXCLUSIVE" + why);
				}));
	}

}

package dev.zdm.lint;


/**
 * ZDM005: Foreign key validated on an existing table.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM005.sql} of zdm-lint's test resources.
 */
final class ValidatedForeignKeyRule {

	private ValidatedForeignKeyRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM005", "Foreign key validated on an existing table", Severity.ERROR,
				"SHARE ROW EXCLUSIVE",
				"Scans the whole table to check every row while writes to it and to the referenced table are blocked.",
				"Use zdm's addForeignKey operation: ADD CONSTRAINT ... NOT VALID (instant), then VALIDATE CONSTRAINT"
						+ " in a separate transaction (SHARE UPDATE EXCLUSIVE, writes go on).",
				(context, reporter) -> {
					RuleSupport.onAddedConstraint(context, "FOREIGN KEY", (add, table) -> {
						if (!add.constraint().notValid()) {
							String referenced = (add.constraint().references() != null)
									? add.constraint().references().table().toString() : "the referenced table";
							reporter.report(add.at(), "tables " + table + " and " + referenced,
									"Foreign key on existing table " + table + " is validated while writes to " + table
											+ " and " + referenced + " are blocked; add it NOT VALID and VALIDATE it separately");
						}
					});
					RuleSupport.onAddedColumnWith(context, (column) -> column.references() != null, (add, table) -> reporter.report(add.at(), "tables " + table + " and " + add.column().references().table(),
									"ADD COLUMN " + add.column().name() + " ... REFERENCES validates a foreign key on existing table "
											+ table + "; add the column, then the foreign key NOT VALID, then VALIDATE"));
				});
	}

}

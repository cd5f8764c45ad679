package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.ColumnDefinition;

/**
 * ZDM009: ADD PRIMARY KEY without USING INDEX.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM009.sql} of zdm-lint's test resources.
 */
final class AddPrimaryKeyRule {

	private AddPrimaryKeyRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM009", "ADD PRIMARY KEY without USING INDEX", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Builds the unique index, and checks NOT NULL on every key column, while all reads and writes on the"
						+ " table are blocked.",
				"CREATE UNIQUE INDEX CONCURRENTLY (zdm's createIndex with unique), make the columns NOT NULL with"
						+ " zdm's setNotNull, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX.",
				(context, reporter) -> {
					RuleSupport.onAddedConstraint(context, "PRIMARY KEY", (add, table) -> {
						if (!add.constraint().usingIndex()) {
							reporter.report(add.at(), "table " + table, "ADD PRIMARY KEY on existing table " + table
									+ " builds its index under ACCESS EXCLUSIVE; build it concurrently and ADD ... USING INDEX");
						}
					});
					RuleSupport.onAddedColumnWith(context, ColumnDefinition::primaryKey, (add, table) -> reporter.report(add.at(),
							"table " + table, "ADD COLUMN " + add.column().name() + " ... PRIMARY KEY builds its index on"
									+ " existing table " + table + " under ACCESS EXCLUSIVE"));
				});
	}

}

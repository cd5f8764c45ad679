package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.ColumnDefinition;
import dev.zdm.lint.ParsedStatement.CreateTable;

/**
 * ZDM045: char(n) column.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM045.sql} of zdm-lint's test resources.
 */
final class CharColumnRule {

	private CharColumnRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM045", "char(n) column", Severity.WARNING, "none (design)",
				"char(n) pads every value with blanks to n characters, compares and concatenates with surprising"
						+ " results, is no faster than text, and changing it later to text or varchar rewrites the table.",
				"Declare the column text or varchar(n) (with a CHECK on the length if it must be fixed).",
				(context, reporter) -> {
					for (ColumnDefinition column : declaredColumns(context)) {
						if (column.type() != null && column.type().isOneOf("char") && !column.type().text().startsWith("\"")) {
							reporter.report(column.name().at(), null, "Column " + column.name() + " is " + column.type()
									+ ", which pads with blanks; use text or varchar");
						}
					}
				});
	}

	/** The columns a CREATE TABLE or ADD COLUMN declares. */
	private static List<ColumnDefinition> declaredColumns(StatementContext context) {
		List<ColumnDefinition> columns = new java.util.ArrayList<>();
		if (context.parsed() instanceof ParsedStatement.CreateTable create) {
			columns.addAll(create.columns());
		}
		for (AlterAction action : context.alterActions()) {
			if (action instanceof AddColumn add) {
				columns.add(add.column());
			}
		}
		columns.removeIf((column) -> column.name() == null);
		return columns;
	}

}

package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;

import dev.zdm.lint.ParsedStatement.ColumnDefinition;
import dev.zdm.lint.ParsedStatement.ConstraintDefinition;
import dev.zdm.lint.ParsedStatement.CreateTable;

/**
 * ZDM030: int or serial primary key.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM030.sql} of zdm-lint's test resources.
 */
final class IntegerPrimaryKeyRule {

	private IntegerPrimaryKeyRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM030", "int or serial primary key", Severity.WARNING, "none (design)",
				"A 32-bit key runs out at 2,147,483,647 rows (or sequence values); widening it later is a type change"
						+ " that rewrites the table and every referencing foreign key.",
				"Use bigint (bigint GENERATED ALWAYS AS IDENTITY, or bigserial).",
				(context, reporter) -> {
					if (!(context.parsed() instanceof CreateTable create)) {
						return;
					}
					List<String> keys = new ArrayList<>();
					for (ConstraintDefinition constraint : create.constraints()) {
						if (constraint.kind().equals("PRIMARY KEY")) {
							keys.addAll(constraint.columns());
						}
					}
					for (ColumnDefinition column : create.columns()) {
						boolean key = column.primaryKey() || (column.name() != null && keys.size() == 1
								&& keys.get(0).equals(column.name().name()));
						if (key && column.type() != null
								&& column.type().isOneOf("integer", "smallint", "serial", "smallserial")) {
							reporter.report(column.name().at(), null, "Primary key " + create.table() + "."
									+ column.name() + " is " + column.type() + "; use bigint");
						}
					}
				});
	}

}

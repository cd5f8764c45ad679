package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.AddConstraint;
import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.AlterColumnType;
import dev.zdm.lint.ParsedStatement.ColumnDefinition;
import dev.zdm.lint.ParsedStatement.CreateTable;
import dev.zdm.lint.ParsedStatement.Name;

/** What several rules share: the actions they look for on existing tables, and the types they judge. */
final class RuleSupport {

	private RuleSupport() {
	}

	/** Calls back for each ADD CONSTRAINT of the given kind on an existing table. */
	static void onAddedConstraint(StatementContext context, String kind, BiConsumer<AddConstraint, Name> action) {
		context.eachOnExistingTable(AddConstraint.class, (add, table) -> {
			if (add.constraint().kind().equals(kind)) {
				action.accept(add, table);
			}
		});
	}

	/** Calls back for each ADD COLUMN on an existing table whose inline constraints match. */
	static void onAddedColumnWith(StatementContext context, java.util.function.Predicate<ColumnDefinition> which,
			BiConsumer<AddColumn, Name> action) {
		context.eachOnExistingTable(AddColumn.class, (add, table) -> {
			if (which.test(add.column())) {
				action.accept(add, table);
			}
		});
	}

	static <A extends AlterAction> void onAction(StatementContext context, Class<A> type,
			BiConsumer<A, Name> action) {
		context.eachOnExistingTable(type, action);
	}

	/**
	 * Whether PostgreSQL changes the type without a rewrite: binary coercible types, or timestamp to
	 * timestamptz on 12+ when the session's zone is UTC (the values then mean the same instants).
	 */
	static boolean rewriteFree(StatementContext context, DataType old, DataType target) {
		if (old.changesWithoutRewriteTo(target)) {
			return true;
		}
		return old.isOneOf("timestamp") && target.isOneOf("timestamptz") && old.array() == target.array()
				&& context.targetVersion() >= 12 && context.sessionTimeZoneUtc();
	}

	/** Each column type the statement declares, with the token to report at. */
	record DeclaredType(DataType type, Name column) {
	}

	static List<DeclaredType> declaredTypes(StatementContext context) {
		List<DeclaredType> types = new ArrayList<>();
		if (context.parsed() instanceof CreateTable create) {
			for (ColumnDefinition column : create.columns()) {
				types.add(new DeclaredType(column.type(), column.name()));
			}
		}
		for (AlterAction action : context.alterActions()) {
			if (action instanceof AddColumn add) {
				types.add(new DeclaredType(add.column().type(), add.column().name()));
			}
			else if (action instanceof AlterColumnType change) {
				types.add(new DeclaredType(change.type(), change.column()));
			}
		}
		types.removeIf((declared) -> declared.type() == null || declared.column() == null);
		return types;
	}

}

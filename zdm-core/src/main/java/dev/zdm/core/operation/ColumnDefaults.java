package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.Optional;

import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.sql.Identifier;

/** The checks shared by the operations that set or drop a column's default. */
final class ColumnDefaults {

	private ColumnDefaults() {
	}

	/**
	 * The column, claimed for this operation, if it exists and may have a default of its own (not an identity
	 * or a generated column); reports the problem otherwise.
	 */
	static Optional<ColumnInfo> column(Identifier name, OperationCheck check) {
		TableInfo table = check.table();
		// Claimed first: a column that an earlier operation adds does not exist yet.
		if (!check.claimColumn(name.name())) {
			check.fail("column \"" + name + "\" of " + table.qualifiedName() + " is already changed by an earlier "
					+ "operation of this plan: combine them into one operation or split them into two migrations.");
			return Optional.empty();
		}
		Optional<ColumnInfo> found = table.column(name.name());
		if (found.isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no column \"" + name + "\". Known columns: "
					+ table.columnNames() + ".");
			return Optional.empty();
		}
		ColumnInfo column = found.get();
		if (column.identity() || column.generated()) {
			check.fail("column \"" + column.name() + "\" of " + table.qualifiedName() + " is "
					+ (column.identity() ? "an identity" : "a generated") + " column, whose values PostgreSQL computes: it "
					+ "has no default to set or drop.");
			return Optional.empty();
		}
		return found;
	}

	/**
	 * Checks {@code expression} as the default of a column of {@code type}, as PostgreSQL checks one when a
	 * table is created (a constant, or an expression of constants and functions: no column, no subquery, no
	 * aggregate), on a temporary table undone after.
	 */
	static boolean check(String expression, String type, OperationCheck check) throws SQLException {
		return check.sql("CREATE TEMPORARY TABLE " + OperationCheck.scratch("default").quoted() + " (v " + type
				+ " DEFAULT (" + expression + "))", "'default' cannot be the default of a " + type + " column",
				". A default is a constant, or an expression of constants and functions (no column, no subquery): "
						+ "give one that is.");
	}

}

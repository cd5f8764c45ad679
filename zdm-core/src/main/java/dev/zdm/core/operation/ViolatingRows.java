package dev.zdm.core.operation;

import java.util.List;
import java.util.stream.Collectors;

import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.sql.Identifier;

/**
 * A statement, run before a {@code VALIDATE CONSTRAINT}, that counts the rows violating a condition and, if
 * there are any, fails with their count and the keys of the first few: {@code VALIDATE CONSTRAINT} would fail
 * on the first such row and name none. It scans like the validation (no lock that blocks reads or writes).
 */
final class ViolatingRows {

	/** How many keys of violating rows the report gives. */
	static final int EXAMPLES = 5;

	private ViolatingRows() {
	}

	/**
	 * The statement: {@code DO} block raising {@code check_violation} with
	 * {@code "<n> rows of <table> <problem>, for example the rows with (<key>) = <keys>. <fix>"}.
	 *
	 * @param table the table
	 * @param violation SQL over the table's row, true for a violating row
	 * @param problem what such a row does ({@code have NULL in column "email"})
	 * @param fix what the user should do
	 */
	static String report(TableInfo table, String violation, String problem, String fix) {
		List<String> key = table.primaryKey().isEmpty() ? List.of("ctid")
				: table.primaryKey().stream().map(ColumnInfo::name).map(Identifier::quote).toList();
		String keyNames = table.primaryKey().isEmpty() ? "ctid"
				: table.primaryKey().stream().map(ColumnInfo::name).collect(Collectors.joining(", "));
		String keys = String.join(", ", key);
		String body = "DECLARE _zdm_n bigint; _zdm_keys text; BEGIN "
				+ "SELECT count(*), string_agg(_zdm_k, ', ' ORDER BY _zdm_i) FILTER (WHERE _zdm_i <= " + EXAMPLES
				+ ") INTO _zdm_n, _zdm_keys FROM (SELECT ROW(" + keys + ")::text AS _zdm_k, row_number() OVER (ORDER BY "
				+ keys + ") AS _zdm_i FROM " + table.qualifiedName().quoted() + " WHERE " + violation + ") AS _zdm_v; "
				+ "IF _zdm_n > 0 THEN RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = format('%s rows of %s "
				+ "%s, for example the rows with (%s) = %s. %s', _zdm_n, " + literal(table.qualifiedName().toString())
				+ ", " + literal(problem) + ", " + literal(keyNames) + ", _zdm_keys, " + literal(fix) + "); END IF; END ";
		String tag = "$zdm$";
		for (int i = 1; body.contains(tag); i++) {
			tag = "$zdm" + i + "$";
		}
		return "DO " + tag + body + tag;
	}

	private static String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

}

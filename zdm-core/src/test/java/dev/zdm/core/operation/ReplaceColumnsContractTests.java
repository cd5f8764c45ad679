package dev.zdm.core.operation;

import java.util.List;

import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.ReplaceColumns.NewColumn;
import dev.zdm.core.sql.Identifier;
import dev.zdm.testing.TestDatabase;

/**
 * {@code replaceColumns} with SQL {@code up}/{@code down} keeps the operation contract: {@code full_name}
 * ({@code "<n> x"}) split into a {@code NOT NULL first_name} ({@code "<n>"}) and {@code last_name}
 * ({@code "x"}), kept in step by the multi-column sync trigger; new code writes {@code first_name} alone.
 */
class ReplaceColumnsContractTests extends AbstractOperationContractTests {

	ReplaceColumnsContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("CREATE TABLE " + table + " (id bigint PRIMARY KEY, full_name text)");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, full_name) SELECT g, g || ' x' FROM generate_series(1, " + rows + ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id)
			.replaceColumns(table, List.of("full_name"),
					List.of(new NewColumn(Identifier.of("first_name"), "text", true, null),
							new NewColumn(Identifier.of("last_name"), "text", false, null)),
					List.of("split_part(full_name, ' ', 1)", "nullif(split_part(full_name, ' ', 2), '')"),
					List.of("first_name || ' ' || coalesce(last_name, 'x')"))
			.build();
	}

	@Override
	protected String oldColumn() {
		return "full_name";
	}

	@Override
	protected String finalColumn() {
		return "first_name";
	}

	@Override
	protected String oldLiteral(long n) {
		return "'" + n + " x'";
	}

	@Override
	protected String newLiteral(long n) {
		return "'" + n + "'";
	}

	@Override
	protected String finalText(long n) {
		return Long.toString(n);
	}

	@Override
	protected String oldText(long n) {
		return n + " x";
	}

}

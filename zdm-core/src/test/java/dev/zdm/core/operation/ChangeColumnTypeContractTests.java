package dev.zdm.core.operation;

import java.util.List;

import dev.zdm.core.plan.ChangeColumnType;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.testing.TestDatabase;

/**
 * {@code changeColumnType} keeps the operation contract: a {@code NOT NULL} price in units with a default
 * and an index becomes a price in cents under the same name (the new column under a temporary name until
 * contract, new code writing it through the version schema).
 */
class ChangeColumnTypeContractTests extends AbstractOperationContractTests {

	ChangeColumnTypeContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("CREATE TABLE " + table + " (id bigint PRIMARY KEY, price numeric(12,2) NOT NULL DEFAULT 0)",
				"CREATE INDEX " + table + "_price_idx ON " + table + " (price)");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, price) SELECT g, g + 0.25 FROM generate_series(1, " + rows + ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id)
			.operation(new ChangeColumnType(QualifiedName.parse(table), Identifier.of("price"), "bigint",
					"round(price * 100)::bigint", "price / 100.0", null, "0"))
			.build();
	}

	@Override
	protected String oldColumn() {
		return "price";
	}

	@Override
	protected String finalColumn() {
		return "price";
	}

	@Override
	protected String oldLiteral(long n) {
		return n + ".25";
	}

	@Override
	protected String newLiteral(long n) {
		return Long.toString(n * 100 + 25);
	}

	@Override
	protected String finalText(long n) {
		return Long.toString(n * 100 + 25);
	}

	@Override
	protected String oldText(long n) {
		return n + ".25";
	}

}

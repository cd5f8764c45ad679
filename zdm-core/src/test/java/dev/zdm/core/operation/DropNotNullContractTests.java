package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code dropNotNull} keeps the operation contract: the {@code NOT NULL} of an integer column dropped in expand,
 * and given back by a rollback (check, count, validation, {@code SET NOT NULL}) when no row holds {@code NULL}.
 * The table's shape is the same for old and new code, so both write the same column.
 */
class DropNotNullContractTests extends SameIntegerColumnContractTests {

	DropNotNullContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("CREATE TABLE " + table + " (id bigint PRIMARY KEY, qty integer NOT NULL)");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, qty) SELECT g, g FROM generate_series(1, " + rows + ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id).dropNotNull(table, "qty").build();
	}

	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING");
	}

	@Override
	protected int minimumCrashes() {
		return 1;
	}

	@Override
	protected boolean scans() {
		return false;
	}

	@Override
	protected boolean resolvesAfterCompletion() {
		return true;
	}

}

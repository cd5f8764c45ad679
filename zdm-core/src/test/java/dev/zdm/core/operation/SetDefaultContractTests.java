package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code setDefault} keeps the operation contract: a default given to an integer column that had another, set in expand and restored exactly by a rollback. The table's shape is the same for old and new
 * code, so both write the same column.
 */
class SetDefaultContractTests extends SameIntegerColumnContractTests {

	SetDefaultContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("CREATE TABLE " + table + " (id bigint PRIMARY KEY, qty integer DEFAULT 42)");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, qty) SELECT g, g FROM generate_series(1, " + rows + ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id).setDefault(table, "qty", "7").build();
	}

	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING", "CONTRACTING");
	}

	@Override
	protected int minimumCrashes() {
		return 2;
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

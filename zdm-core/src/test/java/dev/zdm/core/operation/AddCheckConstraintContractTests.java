package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code addCheckConstraint} keeps the operation contract: a check on an integer column, added NOT VALID and validated before contract. The table's shape is the same for old and new
 * code, so both write the same column.
 */
class AddCheckConstraintContractTests extends SameIntegerColumnContractTests {

	AddCheckConstraintContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("CREATE TABLE " + table + " (id bigint PRIMARY KEY, qty integer)");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, qty) SELECT g, g FROM generate_series(1, " + rows + ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id).addCheckConstraint(table, table + "_qty_positive", "qty > 0").build();
	}

	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING", "SWITCHED", "CONTRACTING");
	}

	@Override
	protected int minimumCrashes() {
		return 4;
	}

	@Override
	protected boolean scans() {
		return true;
	}

	@Override
	protected boolean resolvesAfterCompletion() {
		return true;
	}

}

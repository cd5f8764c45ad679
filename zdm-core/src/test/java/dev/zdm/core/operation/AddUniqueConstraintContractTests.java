package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code addUniqueConstraint} keeps the operation contract: a unique constraint on a text column, its index built
 * concurrently in expand and attached to the constraint in contract.
 * The table's shape is the same for old and new code, so both write the same column.
 */
class AddUniqueConstraintContractTests extends SameTextColumnContractTests {

	AddUniqueConstraintContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("CREATE TABLE " + table + " (id bigint PRIMARY KEY, email text)");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, email) SELECT g, 'v' || g FROM generate_series(1, " + rows + ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id).addUniqueConstraint(table, List.of("email"), "refuse", null).build();
	}

	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING", "CONTRACTING");
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

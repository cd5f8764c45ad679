package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code dropColumn} keeps the operation contract: the dropped column is {@code legacy}; old and new code both
 * write {@code qty}, which the migration leaves as it is (new code cannot see {@code legacy}). Expand adds the
 * archive trigger, the backfill archives, contract drops the column; rollback from every phase leaves the
 * table as before.
 */
class DropColumnContractTests extends SameIntegerColumnContractTests {

	DropColumnContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("CREATE TABLE " + table + " (id bigint PRIMARY KEY, qty integer, legacy text DEFAULT 'none')");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, qty, legacy) SELECT g, g, 'legacy ' || g FROM generate_series(1, " + rows
				+ ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id).dropColumn(table, "legacy").build();
	}

	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING", "CONTRACTING");
	}

	@Override
	protected int minimumCrashes() {
		return 6;
	}

}

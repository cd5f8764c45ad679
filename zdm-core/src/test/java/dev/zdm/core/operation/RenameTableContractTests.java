package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code renameTable} keeps the operation contract: old code writes through the view under the old name, new
 * code through the new name (the table itself), concurrently, until contract drops the view. The table has
 * a serial key, a default, a check and an index, which must all work through the view and come back
 * unchanged after a rollback.
 */
class RenameTableContractTests extends SameIntegerColumnContractTests {

	RenameTableContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("CREATE TABLE " + table + " (id bigserial PRIMARY KEY, qty integer CHECK (qty > 0), "
				+ "label text NOT NULL DEFAULT 'none')", "CREATE INDEX " + table + "_qty_idx ON " + table + " (qty)");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, qty) SELECT g, g FROM generate_series(1, " + rows + ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id).renameTable(table, table + "_renamed").build();
	}

	@Override
	protected String newShapeTable(String table) {
		return table + "_renamed";
	}

	@Override
	protected String finalTable(String table) {
		return table + "_renamed";
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
		return false;
	}

	@Override
	protected boolean resolvesAfterCompletion() {
		return true;
	}

}

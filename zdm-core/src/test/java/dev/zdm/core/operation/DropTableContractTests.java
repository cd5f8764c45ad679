package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code dropTable} keeps the operation contract, with the hooks of an operation that puts its table out of
 * reach: from expand on, a write through the table's name fails (no code writes it unseen), a rollback from
 * every phase before contract brings the table back with every row, and contract drops it. The table has a
 * serial key, an index and a check, which must all come back after a rollback.
 */
class DropTableContractTests extends SameIntegerColumnContractTests {

	DropTableContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("CREATE TABLE " + table + " (id bigserial PRIMARY KEY, qty integer CHECK (qty > 0))",
				"CREATE INDEX " + table + "_qty_idx ON " + table + " (qty)");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, qty) SELECT g, g FROM generate_series(1, " + rows + ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id).dropTable(table).build();
	}

	@Override
	protected String finalTable(String table) {
		return null;
	}

	@Override
	protected boolean writableDuringMigration() {
		return false;
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

}

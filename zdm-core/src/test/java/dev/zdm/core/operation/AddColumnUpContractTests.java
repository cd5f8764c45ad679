package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code addColumn} with {@code up} and {@code notNull} keeps the operation contract: a column computed from
 * {@code qty} by a trigger for new writes and by the backfill for existing rows, made NOT NULL through a
 * check. Old and new code both write {@code qty}; the added column is checked in {@link ColumnOperationsTests}.
 */
class AddColumnUpContractTests extends SameIntegerColumnContractTests {

	AddColumnUpContractTests(TestDatabase db) {
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
		return Plan.builder(id).addColumn(table, "qty_x2", "bigint", null, true, "qty * 2").build();
	}

	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING", "BACKFILLED", "SWITCHED", "CONTRACTING");
	}

	@Override
	protected int minimumCrashes() {
		return 6;
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

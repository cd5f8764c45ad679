package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code addColumn} with a volatile default and {@code notNull} keeps the operation contract: the column is
 * added without the default (which would rewrite the table), the default set for new rows, existing rows
 * filled by the backfill, then NOT NULL through a check. Old and new code both write {@code qty}.
 */
class AddColumnVolatileDefaultContractTests extends SameIntegerColumnContractTests {

	AddColumnVolatileDefaultContractTests(TestDatabase db) {
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
		return Plan.builder(id).addColumn(table, "token", "uuid", "gen_random_uuid()", true, null).build();
	}

	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING", "BACKFILLED", "SWITCHED", "CONTRACTING");
	}

	@Override
	protected int minimumCrashes() {
		return 5;
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

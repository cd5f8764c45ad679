package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code dropIndex} keeps the operation contract: an index on a text column, dropped concurrently at contract.
 * The table's shape is the same for old and new code, so both write the same column.
 */
class DropIndexContractTests extends SameTextColumnContractTests {

	DropIndexContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("CREATE TABLE " + table + " (id bigint PRIMARY KEY, email text)",
				"CREATE INDEX " + table + "_email_idx ON " + table + " (email)");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, email) SELECT g, 'v' || g FROM generate_series(1, " + rows + ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id).dropIndex(table + "_email_idx").build();
	}

	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING", "CONTRACTING");
	}

	@Override
	protected int minimumCrashes() {
		return 3;
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

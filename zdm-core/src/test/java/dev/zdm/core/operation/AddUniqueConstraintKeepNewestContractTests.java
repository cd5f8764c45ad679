package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code addUniqueConstraint} with {@code duplicates: keep-newest-by} keeps the operation contract: the same
 * fixture as {@link AddUniqueConstraintContractTests} (no duplicates, so every row stays as written), with
 * zdm's lookup index built in expand, the backfill's walk, the unique index built before the switch and the
 * lookup index dropped in contract, in every phase, crash and rollback.
 */
class AddUniqueConstraintKeepNewestContractTests extends AddUniqueConstraintContractTests {

	AddUniqueConstraintKeepNewestContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id).addUniqueConstraint(table, List.of("email"), "keep-newest-by", "id").build();
	}

	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING", "BACKFILLED", "CONTRACTING");
	}

	@Override
	protected int minimumCrashes() {
		return 6;
	}

}

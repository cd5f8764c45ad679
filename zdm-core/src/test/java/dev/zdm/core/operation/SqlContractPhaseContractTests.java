package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.Sql;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.testing.TestDatabase;

/**
 * {@code sql} in phase contract keeps the operation contract: its statements (a column default and a
 * comment) run only in the contract step, after a rehearsal while the migration is {@code SWITCHED}; a
 * rollback before contract has nothing to undo.
 */
class SqlContractPhaseContractTests extends SameIntegerColumnContractTests {

	SqlContractPhaseContractTests(TestDatabase db) {
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
		return Plan.builder(id)
			.operation(new Sql(Sql.Phase.CONTRACT,
					List.of(Sql.Statement.of("ALTER TABLE " + table + " ALTER COLUMN qty SET DEFAULT 0"),
							Sql.Statement.of("COMMENT ON COLUMN " + table + ".qty IS 'how many'")),
					List.of(), List.of(), QualifiedName.parse(table)))
			.build();
	}

	/** Expand creates the (empty) version schema; contract runs the statements and drops it. */
	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING", "CONTRACTING");
	}

	/** CREATE SCHEMA of the version schema; ALTER TABLE, COMMENT and DROP SCHEMA at contract. */
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

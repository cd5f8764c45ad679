package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.Sql;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.testing.TestDatabase;

/**
 * {@code sql} keeps the operation contract: an expand-phase statement that adds a column with a constant
 * default (metadata only), undone by its rollback statement. The operation shows no view in the version
 * schema, so new code reaches the table itself through its search path, writing the same column as old code.
 */
class SqlContractTests extends SameIntegerColumnContractTests {

	SqlContractTests(TestDatabase db) {
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
			.operation(new Sql(Sql.Phase.EXPAND,
					List.of(Sql.Statement.of("ALTER TABLE " + table + " ADD COLUMN origin text DEFAULT 'web'"),
							Sql.Statement.of("COMMENT ON COLUMN " + table + ".origin IS 'where the row came from'")),
					List.of(Sql.Statement.of("ALTER TABLE " + table + " DROP COLUMN IF EXISTS origin")),
					List.of(new Sql.AllowUnsafe("ZDM018", "the rollback drops the column its expand added")),
					QualifiedName.parse(table)))
			.build();
	}

	/** Expand runs the statements; contract drops the (empty) version schema. */
	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING", "CONTRACTING");
	}

	/** ALTER TABLE and COMMENT of the step, CREATE SCHEMA of the version schema, DROP SCHEMA at contract. */
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

package dev.zdm.core.operation;

import java.util.List;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code renameColumn} keeps the operation contract: a {@code NOT NULL} column with a default and a unique
 * constraint, renamed.
 */
class RenameColumnContractTests extends AbstractOperationContractTests {

	RenameColumnContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("CREATE TABLE " + table + " (id bigint PRIMARY KEY, email text NOT NULL DEFAULT 'none', "
				+ "CONSTRAINT " + table + "_email_key UNIQUE (email))");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, email) SELECT g, 'v' || g FROM generate_series(1, " + rows + ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id).renameColumn(table, "email", "email_address").build();
	}

	@Override
	protected String oldColumn() {
		return "email";
	}

	@Override
	protected String finalColumn() {
		return "email_address";
	}

	@Override
	protected String oldLiteral(long n) {
		return "'v" + n + "'";
	}

	@Override
	protected String newLiteral(long n) {
		return "'v" + n + "'";
	}

	@Override
	protected String finalText(long n) {
		return "v" + n;
	}

	@Override
	protected String oldText(long n) {
		return "v" + n;
	}

}

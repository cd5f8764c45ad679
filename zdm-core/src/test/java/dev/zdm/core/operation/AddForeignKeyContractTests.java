package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.TestDatabase;

/**
 * {@code addForeignKey} keeps the operation contract: a foreign key from {@code ref} to the primary key of a
 * second table, with no index on {@code ref} (zdm builds one), added NOT VALID and validated before
 * contract. The table's shape is the same for old and new code, so both write the same column. Every value
 * written must reference a row: {@code n} is written as {@code n % 100003}, and the referenced table holds
 * every key from 0 to 100002 (distinct writes of the tests stay distinct, so a lost write still shows).
 */
class AddForeignKeyContractTests extends AbstractOperationContractTests {

	private static final long KEYS = 100_003;

	AddForeignKeyContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected List<String> createTable(String table) {
		return List.of("DROP TABLE IF EXISTS " + table + "_ref CASCADE",
				"CREATE TABLE " + table + "_ref (id bigint PRIMARY KEY)",
				"INSERT INTO " + table + "_ref SELECT g FROM generate_series(0, " + (KEYS - 1) + ") g",
				"CREATE TABLE " + table + " (id bigint PRIMARY KEY, ref bigint)");
	}

	@Override
	protected String fill(String table, int rows) {
		return "INSERT INTO " + table + " (id, ref) SELECT g, g % " + KEYS + " FROM generate_series(1, " + rows + ") g";
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id).addForeignKey(table, List.of("ref"), table + "_ref", List.of("id")).build();
	}

	@Override
	protected String oldColumn() {
		return "ref";
	}

	@Override
	protected String finalColumn() {
		return "ref";
	}

	@Override
	protected String oldLiteral(long n) {
		return String.valueOf(n % KEYS);
	}

	@Override
	protected String newLiteral(long n) {
		return String.valueOf(n % KEYS);
	}

	@Override
	protected String finalText(long n) {
		return String.valueOf(n % KEYS);
	}

	@Override
	protected String oldText(long n) {
		return String.valueOf(n % KEYS);
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
	protected boolean resolvesAfterCompletion() {
		return true;
	}

}

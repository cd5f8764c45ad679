package dev.zdm.core.operation;

import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.CreateTable;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.testing.TestDatabase;

/**
 * {@code createTable} keeps the operation contract on the table the application already uses: the new table
 * {@code <table>_child} references it with a foreign key (which locks it against writes while the table is
 * created, under the lock timeout), so the old and the new shape of the fixture's table are the same and
 * both write it; the created table is the relation the contract test follows ({@link #createdRelations}):
 * absent before, present once completed, gone after every rollback.
 */
class CreateTableContractTests extends SameIntegerColumnContractTests {

	CreateTableContractTests(TestDatabase db) {
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
		CreateTable child = new CreateTable(QualifiedName.parse(table + "_child"),
				List.of(new CreateTable.Column(Identifier.of("id"), "bigint", null, true),
						new CreateTable.Column(Identifier.of("parent_id"), "bigint", null, true),
						new CreateTable.Column(Identifier.of("label"), "text", "'none'", false)),
				List.of(Identifier.of("id")),
				List.of(new CreateTable.Constraint(null, null, null,
						new CreateTable.ForeignKey(List.of(Identifier.of("parent_id")), QualifiedName.parse(table),
								List.of(Identifier.of("id")), CreateTable.OnDelete.CASCADE)),
						new CreateTable.Constraint(Identifier.of(table + "_child_label"), "label <> ''", null, null)));
		return Plan.builder(id).operation(child).build();
	}

	@Override
	protected List<String> createdRelations(String table) {
		return List.of(table + "_child");
	}

	@Override
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING");
	}

	@Override
	protected int minimumCrashes() {
		return 2;
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

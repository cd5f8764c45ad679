package dev.zdm.core.operation;

import java.util.List;

import dev.zdm.core.plan.AddForeignKey;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.testing.TestDatabase;

/**
 * {@code addForeignKey} with {@code orphans: nullify} keeps the operation contract: the same fixture as
 * {@link AddForeignKeyContractTests}, with a backfill that walks the table for orphans (there are none, so
 * every row stays as written) in every phase, crash and rollback.
 */
class AddForeignKeyNullifyContractTests extends AddForeignKeyContractTests {

	AddForeignKeyNullifyContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected Plan plan(String id, String table) {
		return Plan.builder(id)
			.operation(new AddForeignKey(QualifiedName.parse(table), List.of(Identifier.of("ref")),
					QualifiedName.parse(table + "_ref"), List.of(Identifier.of("id")), null, null, true,
					AddForeignKey.Orphans.NULLIFY))
			.build();
	}

}

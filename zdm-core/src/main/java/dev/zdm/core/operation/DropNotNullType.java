package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.DropNotNull;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code dropNotNull {table, column}}: {@code ALTER COLUMN ... DROP NOT NULL} in expand (metadata only, under the
 * lock timeout: old code always sets the column, new code may leave it {@code NULL}). Nothing to backfill,
 * switch or contract. Rollback gives the column its {@code NOT NULL} back the way {@link NotNullCheck} adds one:
 * a check {@code NOT VALID}, a count of the rows written {@code NULL} meanwhile (the rollback stops and names
 * them: zdm does not invent values), {@code VALIDATE} (no write blocked), then {@code SET NOT NULL} without a
 * scan.
 */
public final class DropNotNullType implements OperationType<DropNotNull> {

	/** What expand records: that it dropped the column's {@code NOT NULL}, which only then a rollback restores. */
	static final Memo DROPPED = () -> "not-null-dropped";

	@Override
	public String kind() {
		return "dropNotNull";
	}

	@Override
	public Class<DropNotNull> operationClass() {
		return DropNotNull.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "column");
	}

	@Override
	public DropNotNull read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		Identifier column = arguments.identifier("column", true);
		return arguments.build(() -> new DropNotNull(table, column));
	}

	@Override
	public void validate(DropNotNull operation, OperationCheck check) throws SQLException {
		TableInfo table = check.table();
		if (!check.claimColumn(operation.column().name())) {
			check.fail("column \"" + operation.column() + "\" of " + table.qualifiedName() + " is already changed by an "
					+ "earlier operation of this plan: combine them into one operation or split them into two migrations.");
			return;
		}
		Optional<ColumnInfo> found = table.column(operation.column().name());
		if (found.isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no column \"" + operation.column() + "\". Known columns: "
					+ table.columnNames() + ".");
			return;
		}
		ColumnInfo column = found.get();
		if (table.primaryKey().stream().anyMatch((key) -> key.name().equals(column.name()))) {
			check.fail("column \"" + column.name() + "\" is part of the primary key of " + table.qualifiedName()
					+ ", which PostgreSQL keeps NOT NULL: drop or change the primary key first.");
		}
		else if (column.identity()) {
			check.fail("column \"" + column.name() + "\" of " + table.qualifiedName() + " is an identity column, which "
					+ "PostgreSQL keeps NOT NULL: remove its identity first (ALTER COLUMN ... DROP IDENTITY).");
		}
		// Once expand ran (an interrupted one is validated again), the column allows NULL because of it.
		else if (check.beforeExpand() && !column.notNull()) {
			check.fail("column \"" + column.name() + "\" of " + table.qualifiedName() + " already allows NULL: there is "
					+ "nothing to drop. Remove the operation.");
		}
	}

	@Override
	public Resolved resolve(DropNotNull operation, ResolveContext context) throws SQLException {
		TableInfo table = context.table(operation.table());
		QualifiedName qualified = table.qualifiedName();
		String on = context.description();
		ColumnInfo column = table.column(operation.column().name())
			.orElseThrow(() -> new IllegalStateException("Table " + qualified + " has no column " + operation.column()
					+ " (" + on + ")"));
		Identifier name = Identifier.of(column.name());
		String alter = "ALTER TABLE " + qualified.quoted() + " ";
		boolean expanded = context.memo().isPresent();
		// Dropped once: a run after the expand committed finds the column nullable and its memo recorded.
		List<String> expand = (!expanded && column.notNull())
				? List.of(alter + "ALTER COLUMN " + name.quoted() + " DROP NOT NULL") : List.of();
		List<DdlStep> rollbackOutside = new ArrayList<>();
		List<String> rollback = new ArrayList<>();
		if (expanded && !column.notNull()) {
			NotNullCheck check = NotNullCheck.of(qualified, name, ObjectNames.base(context.migrationId(), context.index()));
			Optional<Boolean> validated = context.catalog().constraintValidated(table, check.constraint().name());
			if (validated.isEmpty()) {
				rollbackOutside.add(new DdlStep.InTransaction("add " + check.constraint() + " on " + qualified + " for "
						+ on, check.add()));
			}
			if (!validated.orElse(false)) {
				rollbackOutside.add(new DdlStep.Validating("count rows of " + qualified + " with " + name + " NULL for "
						+ on, ViolatingRows.report(table, name.quoted() + " IS NULL", "hold NULL in column " + name.quoted()
								+ ", written since expand let the column hold NULL, so the rollback cannot make it NOT NULL "
								+ "again", "Give those rows a value (UPDATE " + qualified.quoted() + " SET " + name.quoted()
										+ " = ... WHERE " + name.quoted() + " IS NULL), then roll back again.")));
				rollbackOutside.add(check.validate(on));
			}
			rollback.addAll(check.setNotNull());
		}
		return new Resolved(new DdlStep.InTransaction("expand " + on, expand), DROPPED, Optional.empty(), List.of(),
				DdlStep.InTransaction.none("switch " + on), List.of(), DdlStep.InTransaction.none("contract " + on),
				new DdlStep.InTransaction("rollback " + on, rollback), VersionView.unchanged(qualified), Sync.NONE,
				new Resolved.Outside(List.of(), List.of(), rollbackOutside));
	}

}

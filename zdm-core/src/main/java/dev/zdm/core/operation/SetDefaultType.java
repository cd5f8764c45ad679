package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.plan.SetDefault;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code setDefault {table, column, default}}: {@code ALTER COLUMN ... SET DEFAULT} in expand (metadata only:
 * existing rows keep their values, inserts that leave the column out get the default from then on, through
 * the table and the version schema alike). Expand records the column's previous default
 * ({@link PreviousDefault}), which a rollback restores exactly (or drops the default, when there was none).
 * Nothing to backfill, switch or contract.
 */
public final class SetDefaultType implements OperationType<SetDefault> {

	@Override
	public String kind() {
		return "setDefault";
	}

	@Override
	public Class<SetDefault> operationClass() {
		return SetDefault.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "column", "default");
	}

	@Override
	public SetDefault read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		Identifier column = arguments.identifier("column", true);
		String defaultExpression = arguments.scalar("default", true);
		return arguments.build(() -> new SetDefault(table, column, defaultExpression));
	}

	@Override
	public void validate(SetDefault operation, OperationCheck check) throws SQLException {
		Optional<ColumnInfo> column = ColumnDefaults.column(operation.column(), check);
		if (column.isPresent()) {
			ColumnDefaults.check(operation.defaultExpression(), column.get().type(), check);
		}
	}

	@Override
	public Resolved resolve(SetDefault operation, ResolveContext context) throws SQLException {
		TableInfo table = context.table(operation.table());
		QualifiedName qualified = table.qualifiedName();
		String on = context.description();
		ColumnInfo column = table.column(operation.column().name())
			.orElseThrow(() -> new IllegalStateException("Table " + qualified + " has no column " + operation.column()
					+ " (" + on + ")"));
		// Before expand the column's default is the previous one; after, the memo remembers it.
		PreviousDefault previous = context.memo().map(PreviousDefault::decode)
			.orElse(new PreviousDefault(column.defaultExpression()));
		String alter = "ALTER TABLE " + qualified.quoted() + " ALTER COLUMN " + Identifier.quote(column.name()) + " ";
		List<String> rollback = context.memo().isEmpty() ? List.of()
				: List.of(alter + ((previous.expression() != null) ? "SET DEFAULT " + previous.expression() : "DROP DEFAULT"));
		return new Resolved(
				new DdlStep.InTransaction("expand " + on, List.of(alter + "SET DEFAULT " + operation.defaultExpression())),
				previous, Optional.empty(), List.of(), DdlStep.InTransaction.none("switch " + on), List.of(),
				DdlStep.InTransaction.none("contract " + on), new DdlStep.InTransaction("rollback " + on, rollback),
				VersionView.unchanged(qualified), Sync.NONE);
	}

}

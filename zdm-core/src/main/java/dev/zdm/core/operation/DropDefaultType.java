package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.DropDefault;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code dropDefault {table, column}}: old code may rely on the default (an insert that leaves out a
 * {@code NOT NULL} column), so the default stays until contract, which drops it (metadata only). Expand
 * changes nothing and records the default ({@link PreviousDefault}): a rollback before contract has nothing
 * to restore, and the contract checks that the default it drops is still the one recorded.
 */
public final class DropDefaultType implements OperationType<DropDefault> {

	@Override
	public String kind() {
		return "dropDefault";
	}

	@Override
	public Class<DropDefault> operationClass() {
		return DropDefault.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "column");
	}

	@Override
	public DropDefault read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		Identifier column = arguments.identifier("column", true);
		return arguments.build(() -> new DropDefault(table, column));
	}

	@Override
	public void validate(DropDefault operation, OperationCheck check) throws SQLException {
		Optional<ColumnInfo> column = ColumnDefaults.column(operation.column(), check);
		if (column.isPresent() && check.beforeExpand() && column.get().defaultExpression() == null) {
			check.fail("column \"" + column.get().name() + "\" of " + check.table().qualifiedName()
					+ " has no default: nothing to drop. Remove this operation.");
		}
	}

	@Override
	public Resolved resolve(DropDefault operation, ResolveContext context) throws SQLException {
		TableInfo table = context.table(operation.table());
		QualifiedName qualified = table.qualifiedName();
		String on = context.description();
		ColumnInfo column = table.column(operation.column().name())
			.orElseThrow(() -> new IllegalStateException("Table " + qualified + " has no column " + operation.column()
					+ " (" + on + ")"));
		PreviousDefault previous = context.memo().map(PreviousDefault::decode)
			.orElse(new PreviousDefault(column.defaultExpression()));
		// Drop only the default zdm saw at expand: one set since then is someone else's.
		List<String> contract = (column.defaultExpression() != null
				&& column.defaultExpression().equals(previous.expression()))
						? List.of("ALTER TABLE " + qualified.quoted() + " ALTER COLUMN " + Identifier.quote(column.name())
								+ " DROP DEFAULT")
						: List.of();
		return new Resolved(DdlStep.InTransaction.none("expand " + on), previous, Optional.empty(), List.of(),
				DdlStep.InTransaction.none("switch " + on), List.of(), new DdlStep.InTransaction("contract " + on, contract),
				DdlStep.InTransaction.none("rollback " + on), VersionView.unchanged(qualified), Sync.NONE);
	}

}

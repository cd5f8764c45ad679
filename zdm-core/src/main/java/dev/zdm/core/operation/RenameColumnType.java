package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.Set;

import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.plan.RenameColumn;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code renameColumn {table, from, to}}: a {@link ColumnCopy} of the column under its new name, with the
 * same type and default; old code keeps writing {@code from}, new code {@code to}, until contract drops
 * {@code from}.
 */
public final class RenameColumnType implements OperationType<RenameColumn> {

	@Override
	public String kind() {
		return "renameColumn";
	}

	@Override
	public Class<RenameColumn> operationClass() {
		return RenameColumn.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "from", "to");
	}

	@Override
	public RenameColumn read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		Identifier from = arguments.identifier("from", true);
		Identifier to = arguments.identifier("to", true);
		return arguments.build(() -> new RenameColumn(table, from, to));
	}

	@Override
	public void validate(RenameColumn operation, OperationCheck check) throws SQLException {
		ColumnCopy.validate(spec(operation), check);
	}

	@Override
	public Resolved resolve(RenameColumn operation, ResolveContext context) throws SQLException {
		return ColumnCopy.resolve(spec(operation), context);
	}

	private static ColumnCopy.Spec spec(RenameColumn operation) {
		return new ColumnCopy.Spec(operation.table(), operation.from(), operation.to(), operation.to(), null);
	}

}

package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.SQLException;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.operation.Operations;
import dev.zdm.core.operation.ResolveContext;
import dev.zdm.core.operation.Resolved;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.state.StateStore;

/**
 * Resolves a plan's operations to their steps through their types ({@link Operations}), from the catalog
 * as it is now and the memo each operation's expand recorded in zdm's state.
 */
final class OperationResolver {

	private final StateStore state;

	private final Identifier functionSchema;

	OperationResolver(StateStore state, Identifier functionSchema) {
		this.state = state;
		this.functionSchema = functionSchema;
	}

	/** The step that records an operation's expand, and its memo. */
	static String expandStep(int index) {
		return "expand:" + index;
	}

	/** Operation {@code index} (1-based) of {@code plan}, resolved on {@code connection}. */
	Resolved resolve(Connection connection, Plan plan, int index) throws SQLException {
		ResolveContext context = new ResolveContext(plan.id(), index, describe(plan, index), this.functionSchema,
				new CatalogReader(connection), this.state.stepDetail(connection, plan.id(), expandStep(index)));
		return Operations.bind(plan.operations().get(index - 1)).resolve(context);
	}

	/** {@code <id> operation <n> (<kind>)}, for logs and errors. */
	static String describe(Plan plan, int index) {
		return plan.id() + " operation " + index + " (" + plan.operations().get(index - 1).kind() + ")";
	}

}

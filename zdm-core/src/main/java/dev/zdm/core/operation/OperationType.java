package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.OperationArguments;

/**
 * The contract of one kind of operation: everything zdm knows of it is here, and nowhere else. A type
 * reads the operation's arguments from a plan file, validates the operation against the catalog before
 * any DDL runs, and resolves it to its steps, as data, for the orchestrator to run. Registered in
 * {@link Operations}; proved by a subclass of the operation contract test.
 *
 * @param <O> the operation's record
 */
public interface OperationType<O extends Operation> {

	/** The operation's name in a plan file ({@code renameColumn}). */
	String kind();

	/** The record of the operation. */
	Class<O> operationClass();

	/** The keys the operation's arguments may have; others are reported. */
	Set<String> keys();

	/**
	 * Reads the operation from its arguments in a plan file, or gives {@code null} when they have problems
	 * ({@code arguments} reported them, with their lines).
	 */
	O read(OperationArguments arguments);

	/**
	 * The table the operation changes, as the catalog has it now: by default the one its plan names. An
	 * operation whose plan names another object finds the table from it ({@code dropIndex}, from its index).
	 */
	default Optional<TableInfo> table(O operation, CatalogReader catalog) throws SQLException {
		return catalog.table(operation.table());
	}

	/**
	 * Whether the table {@link #table} names must exist before the plan runs. An operation that creates its
	 * table, or names none, says no: it checks what it needs in {@link #validate}.
	 */
	default boolean needsExistingTable() {
		return true;
	}

	/**
	 * Why {@link #table} found no table, with the fix, or {@code null} for the validator's own message (the
	 * table named in the plan does not exist).
	 */
	default String missingTable(O operation) {
		return null;
	}

	/**
	 * Checks the operation against the catalog before any DDL runs, reporting every problem to
	 * {@code check} with the fix. The table exists (checked before), and no other migration holds it; unless
	 * the type does not {@link #needsExistingTable need it}: then {@link OperationCheck#table} is {@code null}
	 * when it does not exist.
	 */
	void validate(O operation, OperationCheck check) throws SQLException;

	/**
	 * Once the plan is valid: what its author should know but is no reason to refuse it
	 * ({@link OperationCheck#warn}), in a read-only transaction with short timeouts. None by default.
	 */
	default void review(O operation, OperationCheck check) throws SQLException {
	}

	/**
	 * The operation's steps, from the catalog as it is now and the memo its expand recorded.
	 * @throws dev.zdm.core.migration.MigrationException if the operation no longer fits the catalog
	 */
	Resolved resolve(O operation, ResolveContext context) throws SQLException;

	/**
	 * How to undo the operation once its migration completed ({@code Orchestrator.undo}), or why it cannot
	 * be: by default it cannot.
	 * @param connection a connection in the undo's transaction, to read zdm's state
	 */
	default Undo undo(O operation, ResolveContext context, java.sql.Connection connection) throws SQLException {
		return Undo.refused(kind() + " cannot be undone once its migration completed: write a new plan that reverses it");
	}

}

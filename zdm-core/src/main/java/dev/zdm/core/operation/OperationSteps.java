package dev.zdm.core.operation;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.ddl.DdlExecutor;

/**
 * What one operation does in each phase. Each method runs its DDL through the given transaction (or the
 * executor, for steps that cannot run in one) and must be idempotent: a phase interrupted by a crash is
 * finished by running it again.
 */
public interface OperationSteps {

	/**
	 * Additive, non-blocking DDL. Returns what later phases and rollback need to know of the shape before
	 * expand (stored with the step, given back to the operation's resolver), or {@code null}.
	 */
	String expand(Connection connection) throws SQLException;

	/** The rows to copy, if the operation has any. */
	Optional<BackfillTarget> backfill();

	/**
	 * Steps before the switch transaction that cannot share it ({@code CREATE INDEX CONCURRENTLY});
	 * {@code connection} reads the catalog.
	 */
	void prepareSwitch(DdlExecutor executor, Connection connection) throws SQLException;

	/** Makes the new shape authoritative. */
	void switchOver(Connection connection) throws SQLException;

	/**
	 * Steps before the contract transaction that cannot share it (they scan, or run outside a transaction);
	 * {@code connection} reads the catalog.
	 */
	void prepareContract(DdlExecutor executor, Connection connection) throws SQLException;

	/** The destructive steps, in one transaction. */
	void contract(Connection connection) throws SQLException;

	/** Removes every trace of the operation, leaving the original shape with every write made meanwhile. */
	void rollback(Connection connection) throws SQLException;

}

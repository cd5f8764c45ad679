package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.zdm.core.ddl.DdlExecutor;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.state.MigrationLock;
import dev.zdm.core.state.StateStore;

/**
 * Which steps of a migration are done. A step's work commits in one transaction with the record that it
 * was done, fenced ({@link StateStore#fence}): once, while the migration is in the step's phase and this
 * instance holds it. A phase interrupted by a crash is finished by running its steps again: those done are
 * skipped.
 */
final class StepLedger {

	private final DataSource dataSource;

	private final StateStore state;

	private final DdlExecutor ddl;

	StepLedger(DataSource dataSource, StateStore state, DdlExecutor ddl) {
		this.dataSource = dataSource;
		this.state = state;
		this.ddl = ddl;
	}

	/** One step's work; returns what it records for later phases, or {@code null}. */
	@FunctionalInterface
	interface StepWork {

		String run(Connection connection) throws SQLException;

	}

	/** Runs {@code work} with the record that {@code step} is done, unless it is done already. */
	void run(MigrationLock lock, Plan plan, Phase phase, String step, String description, StepWork work) {
		this.ddl.inTransaction(description, (connection) -> {
			this.state.fence(connection, lock, plan.checksum(), description, phase);
			if (this.state.isStepDone(connection, plan.id(), step)) {
				return;
			}
			String detail = work.run(connection);
			this.state.stepDone(connection, plan.id(), step, detail);
		});
	}

	/** Whether {@code step} of migration {@code id} is done. */
	boolean isDone(String id, String step) {
		try (Connection connection = this.dataSource.getConnection()) {
			return this.state.isStepDone(connection, id, step);
		}
		catch (SQLException ex) {
			throw new MigrationException(ex.getMessage(), ex);
		}
	}

}

package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import dev.zdm.core.backfill.BackfillEngine;
import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.backfill.TransformTarget;
import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.ddl.DdlExecutor;
import dev.zdm.core.operation.Backfill;
import dev.zdm.core.operation.Resolved;
import dev.zdm.core.operation.Sync;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.state.MigrationLock;
import dev.zdm.core.state.StateStore;
import dev.zdm.core.sync.SyncTrigger;
import dev.zdm.core.transform.RowTransform;
import dev.zdm.core.transform.TransformRegistry;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * What stands between a migration and its contract, which drops what a rollback would need: before
 * {@code CONTRACTING}, every row in step and the sync triggers intact ({@link #verifyInStep}), and the
 * contract rehearsed ({@link #rehearse}); in the contract transaction, the triggers checked again under
 * the table's lock ({@link #apply}). Works from each operation's {@link Sync}, knowing no operation.
 */
final class ContractGuard {

	private final DataSource dataSource;

	private final StateStore state;

	private final DdlExecutor ddl;

	private final BackfillEngine backfill;

	private final OperationResolver resolver;

	private final StepLedger ledger;

	private final TransformRegistry transforms;

	ContractGuard(DataSource dataSource, StateStore state, DdlExecutor ddl, BackfillEngine backfill,
			OperationResolver resolver, StepLedger ledger, TransformRegistry transforms) {
		this.transforms = transforms;
		this.dataSource = dataSource;
		this.state = state;
		this.ddl = ddl;
		this.backfill = backfill;
		this.resolver = resolver;
		this.ledger = ledger;
	}

	/** The step that records an operation's contract. */
	static String contractStep(int index) {
		return "contract:" + index;
	}

	/**
	 * Runs an operation's contract in the caller's transaction. With sync triggers, first locks the table
	 * (the contract's {@code DROP COLUMN} takes that lock anyway) so that no write can slip between the check
	 * and the drop, and checks the triggers: one disabled since the check before {@code CONTRACTING} would
	 * have let writes to the old side through, which the contract would lose.
	 */
	static void apply(Connection connection, Resolved resolved) throws SQLException {
		if (resolved.sync() instanceof Sync.Trigger sync) {
			SyncTrigger trigger = sync.trigger();
			try (Statement statement = connection.createStatement()) {
				statement.execute("LOCK TABLE " + trigger.table().quoted() + " IN ACCESS EXCLUSIVE MODE");
			}
			String problem = trigger.problem(new CatalogReader(connection).triggerStates(trigger.table()));
			if (problem != null) {
				String old = trigger.oldColumn().quoted();
				throw new SQLException("Cannot drop " + trigger.table() + "." + trigger.oldColumn().name() + ": " + problem
						+ "; then re-sync rows written meanwhile (UPDATE " + trigger.table().quoted() + " SET " + old + " = "
						+ old + " WHERE ...) and advance again.", "55000");
			}
		}
		DdlExecutor.apply(connection, resolved.contract());
	}

	/**
	 * Before contract drops the old side: every row must hold the same value on both sides (as the sync
	 * triggers write it), and the triggers must still catch every write. A write that skipped them (a
	 * disabled trigger, {@code session_replication_role = replica} before they were enabled {@code ALWAYS})
	 * would be lost with the old side. Scans in keyset batches like the backfill's verification, holding
	 * no lock on the table.
	 */
	void verifyInStep(Plan plan, Phase phase) {
		String stays = "The migration stays " + phase + ".";
		for (int i = 1; i <= plan.operations().size(); i++) {
			int index = i;
			if (this.ledger.isDone(plan.id(), contractStep(index))) {
				continue;
			}
			Resolved resolved = withConnection((connection) -> this.resolver.resolve(connection, plan, index));
			if (resolved.sync() instanceof Sync.Application application) {
				verifyApplicationSync(plan, index, phase, resolved, application);
				continue;
			}
			if (!(resolved.sync() instanceof Sync.Trigger sync)) {
				continue;
			}
			SyncTrigger trigger = sync.trigger();
			BackfillTarget target = resolved.backfill().map(Backfill::target)
				.orElseThrow(() -> new IllegalStateException(OperationResolver.describe(plan, index)
						+ " has sync triggers and no backfill: zdm cannot verify it"));
			String triggerProblem = withConnection(
					(connection) -> trigger.problem(new CatalogReader(connection).triggerStates(trigger.table())));
			BackfillEngine.Matches differing = this.backfill.find(plan.id(), target, sync.outOfStep(), 5);
			String old = trigger.oldColumn().quoted();
			String fresh = trigger.newColumn().quoted();
			String rollback = (phase == Phase.SWITCHED) ? "; or roll the migration back" : "";
			if (differing.count() > 0) {
				throw new MigrationException("Migration " + plan.id() + " cannot contract "
						+ OperationResolver.describe(plan, index) + ": " + differing.count()
						+ ((differing.count() == 1) ? " row" : " rows") + " of " + trigger.table() + " hold different values in "
						+ old + " and " + fresh + " (keys " + String.join(", ", differing.examples())
						+ ((differing.count() > differing.examples().size()) ? ", ..." : "") + "), and contract would drop "
						+ old + ". Likely cause: writes that skipped zdm's sync trigger " + trigger.triggerName()
						+ ((triggerProblem != null) ? " (" + triggerProblem + ")" : "")
						+ ": a trigger disabled for a while (ALTER TABLE ... DISABLE TRIGGER), or writes under "
						+ "session_replication_role = replica while it was not enabled ALWAYS. Fix: enable the trigger "
						+ "(ALTER TABLE " + trigger.table().quoted() + " ENABLE ALWAYS TRIGGER " + trigger.triggerName().quoted()
						+ "), then re-sync those rows: UPDATE " + trigger.table().quoted() + " SET " + old + " = " + old
						+ " WHERE <those keys> where the old column holds the latest write (SET " + fresh + " = " + fresh
						+ " where the new one does), and advance again" + rollback + ". " + stays);
			}
			if (triggerProblem != null) {
				throw new MigrationException("Migration " + plan.id() + " cannot contract "
						+ OperationResolver.describe(plan, index) + ": no row differs yet, but " + triggerProblem
						+ ". Writes that skip it until contract would be lost with " + old + ". " + stays);
			}
		}
	}

	/**
	 * Before contract drops the old columns of an operation the application keeps in step: every row's new
	 * columns must hold what the Java transform computes from its old ones, or a write to the old shape alone
	 * would be lost.
	 */
	private void verifyApplicationSync(Plan plan, int index, Phase phase, Resolved resolved,
			Sync.Application application) {
		if (!(resolved.backfill().orElse(null) instanceof Backfill.Transform transform)) {
			return;
		}
		TransformTarget target = transform.transform();
		RowTransform found = this.transforms.find(target.transformName())
			.orElseThrow(() -> new MigrationException("Migration " + plan.id() + " cannot contract "
					+ OperationResolver.describe(plan, index) + ": its Java transform '" + target.transformName()
					+ "' is not registered on this instance, so zdm cannot check that no row is out of step. Register "
					+ "it in the TransformRegistry given to the Orchestrator, then advance again."));
		BackfillEngine.Matches differing = this.backfill.findTransformMismatches(plan.id(), target.with(found), 5);
		if (differing.count() > 0) {
			throw new MigrationException("Migration " + plan.id() + " cannot contract "
					+ OperationResolver.describe(plan, index) + ": " + differing.count()
					+ ((differing.count() == 1) ? " row" : " rows") + " of " + target.target().table()
					+ " hold new columns that differ from what transform '" + target.transformName()
					+ "' computes from the old ones (keys " + String.join(", ", differing.examples())
					+ ((differing.count() > differing.examples().size()) ? ", ..." : "") + "), and contract would drop "
					+ "the old ones: " + application.requirement() + ". Write both shapes of those rows again, then "
					+ "advance again" + ((phase == Phase.SWITCHED) ? "; or roll the migration back" : "")
					+ ". The migration stays " + phase + ".");
		}
	}

	/**
	 * Runs every operation's contract in one transaction under the lock timeout, as contract will, and rolls
	 * it back: what would fail there (an object created since validation that depends on the old column, a
	 * default PostgreSQL refuses) is found while the migration is still {@code SWITCHED}, from where it can
	 * be rolled back, rather than in {@code CONTRACTING}, from where it cannot.
	 */
	void rehearse(MigrationLock lock, Plan plan) {
		this.ddl.rehearse("rehearse contract of " + plan.id(), (connection) -> {
			this.state.fence(connection, lock, plan.checksum(), "rehearse its contract", Phase.SWITCHED);
			for (int i = 1; i <= plan.operations().size(); i++) {
				Resolved resolved = this.resolver.resolve(connection, plan, i);
				try {
					apply(connection, resolved);
				}
				catch (SQLException ex) {
					if (DdlExecutor.isLockFailure(ex)) {
						throw ex;
					}
					String fix = "2BP01".equals(ex.getSQLState()) ? dependentsFix(resolved)
							: "Remove the cause, then advance again; or roll the migration back.";
					throw new MigrationException("Contract of " + OperationResolver.describe(plan, i)
							+ " would fail, so it was not started: " + failure(ex) + ". Nothing was changed: the migration "
							+ "stays SWITCHED, from where it can be rolled back. " + fix, ex);
				}
			}
		});
	}

	private static String dependentsFix(Resolved resolved) {
		if (resolved.sync() instanceof Sync.Trigger sync) {
			SyncTrigger trigger = sync.trigger();
			return "Drop what depends on column " + trigger.oldColumn() + " of " + trigger.table()
					+ " (or recreate it on " + trigger.newColumn() + "), then advance again; or roll the migration back.";
		}
		return "Drop what depends on what the contract drops, then advance again; or roll the migration back.";
	}

	/** PostgreSQL's message and detail, without its hint (for a dependency, "use DROP ... CASCADE"). */
	private static String failure(SQLException ex) {
		if (ex instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
			ServerErrorMessage error = psql.getServerErrorMessage();
			return error.getMessage() + ((error.getDetail() != null) ? " (" + error.getDetail() + ")" : "");
		}
		return ex.getMessage();
	}

	@FunctionalInterface
	private interface ConnectionWork<T> {

		T run(Connection connection) throws SQLException;

	}

	private <T> T withConnection(ConnectionWork<T> work) {
		try (Connection connection = this.dataSource.getConnection()) {
			return work.run(connection);
		}
		catch (SQLException ex) {
			throw new MigrationException(ex.getMessage(), ex);
		}
	}

}

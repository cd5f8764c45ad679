package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.zdm.core.backfill.BackfillEngine;
import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.ddl.DdlExecutor;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.operation.Backfill;
import dev.zdm.core.operation.Operations;
import dev.zdm.core.operation.ResolveContext;
import dev.zdm.core.operation.Undo;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.state.ArchiveStore;
import dev.zdm.core.state.MigrationLock;
import dev.zdm.core.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes a completed migration ({@code COMPLETED → UNDOING → UNDONE}) from what its operations kept (a
 * dropped column's archive), through each operation's {@link Undo}, knowing no operation; and deletes
 * archives once their retention has passed. An undo is refused, with nothing changed, when any operation
 * of the plan cannot be undone. Each operation's steps commit with their record ({@link StepLedger}), so an
 * undo interrupted by a crash is finished by undoing again.
 */
final class MigrationUndo {

	private static final Logger logger = LoggerFactory.getLogger(MigrationUndo.class);

	private final DataSource dataSource;

	private final ZdmSettings settings;

	private final StateStore state;

	private final DdlExecutor ddl;

	private final BackfillEngine backfill;

	private final StepLedger ledger;

	MigrationUndo(DataSource dataSource, ZdmSettings settings, StateStore state, DdlExecutor ddl, BackfillEngine backfill,
			StepLedger ledger) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.state = state;
		this.ddl = ddl;
		this.backfill = backfill;
		this.ledger = ledger;
	}

	/** Undoes {@code plan}'s completed migration, or finishes an interrupted undo. */
	void undo(Plan plan) {
		String id = plan.id();
		try (MigrationLock lock = this.state.lock(id, Duration.ZERO)) {
			Phase phase = phase(id);
			if (phase == Phase.UNDONE) {
				return;
			}
			if (phase != Phase.COMPLETED && phase != Phase.UNDOING) {
				throw new MigrationException("Migration " + id + " is " + phase + ": only a COMPLETED migration can be "
						+ "undone" + (phase.canRollBack() ? "; roll it back instead (it has not contracted yet)"
								: (phase == Phase.CONTRACTING) ? "; advance it to finish its contract first" : ""));
			}
			List<String> refusals = new ArrayList<>();
			for (int i = 1; i <= plan.operations().size(); i++) {
				int index = i;
				Undo undo = withConnection((connection) -> resolve(connection, plan, index));
				if (!undo.possible()) {
					refusals.add(OperationResolver.describe(plan, index) + ": " + undo.refusal());
				}
			}
			if (!refusals.isEmpty()) {
				throw new MigrationException("Migration " + id + " cannot be undone: " + String.join("; ", refusals)
						+ ((phase == Phase.COMPLETED) ? " Nothing was changed." : ""));
			}
			if (phase == Phase.COMPLETED) {
				transition(lock, plan, Phase.COMPLETED, Phase.UNDOING);
			}
			for (int i = plan.operations().size(); i >= 1; i--) {
				undo(lock, plan, i);
			}
			transition(lock, plan, Phase.UNDOING, Phase.UNDONE);
		}
	}

	private void undo(MigrationLock lock, Plan plan, int index) {
		String id = plan.id();
		String what = OperationResolver.describe(plan, index);
		this.ledger.run(lock, plan, Phase.UNDOING, "undo:" + index + ":prepare", "undo " + what, (connection) -> {
			DdlExecutor.apply(connection, resolve(connection, plan, index).prepare());
			return null;
		});
		String restored = "undo:" + index + ":restore";
		if (!this.ledger.isDone(id, restored)) {
			Backfill restore = withConnection((connection) -> resolve(connection, plan, index)).restore().orElse(null);
			if (restore != null) {
				restore(lock, plan, index, restore.target());
			}
			this.ledger.run(lock, plan, Phase.UNDOING, restored, "restore the data of " + what, (connection) -> {
				this.backfill.delete(connection, id);
				return null;
			});
		}
		String finished = "undo:" + index;
		if (!this.ledger.isDone(id, finished)) {
			requireHeld(lock, "finish the undo of " + what);
			List<DdlStep> steps = withConnection((connection) -> resolve(connection, plan, index)).beforeFinish();
			steps.forEach(this.ddl::run);
		}
		this.ledger.run(lock, plan, Phase.UNDOING, finished, "finish the undo of " + what, (connection) -> {
			DdlExecutor.apply(connection, resolve(connection, plan, index).finish());
			return null;
		});
	}

	/** The restore's backfill: keyset batches over ranges, as the backfill phase's, then verified. */
	private void restore(MigrationLock lock, Plan plan, int index, BackfillTarget target) {
		String id = plan.id();
		this.ddl.inTransaction("plan the restore of " + id, (connection) -> {
			this.state.fence(connection, lock, plan.checksum(), "plan its restore", Phase.UNDOING);
			this.backfill.plan(connection, id, index, target);
		});
		long rows = this.backfill.run(id, Map.of(index, target));
		long missing = this.backfill.countMismatches(target);
		if (missing > 0) {
			this.ddl.inTransaction("reset the restore of " + id, (connection) -> {
				this.state.fence(connection, lock, plan.checksum(), "reset its restore", Phase.UNDOING);
				this.backfill.reset(connection, id);
			});
			throw new MigrationException("Undo of " + OperationResolver.describe(plan, index) + ": verification found "
					+ missing + " rows of " + target.table() + " still without their archived value; the restore was reset: "
					+ "undo again to run it again.");
		}
		logger.info("Undo of {} operation {}: restored {} rows", id, index, rows);
	}

	/**
	 * Deletes the archives whose retention has passed, of migrations that are over; a migration another
	 * instance is working on (undoing it) is skipped, and its archives are deleted next time.
	 */
	int expireArchives() {
		Identifier schema = this.settings.schema();
		List<ArchiveStore.Archive> expired = withConnection(
				(connection) -> ArchiveStore.expired(connection, schema, this.settings.archiveRetention()));
		int deleted = 0;
		for (ArchiveStore.Archive archive : expired) {
			try (MigrationLock lock = this.state.lock(archive.migrationId(), Duration.ZERO)) {
				boolean[] done = { false };
				this.ddl.inTransaction("delete the expired archive " + archive.archive(), (connection) -> {
					Phase phase = this.state.fence(connection, lock, "delete its expired archive").phase();
					if (phase == Phase.COMPLETED || phase == Phase.UNDONE) {
						ArchiveStore.expire(connection, schema, archive);
						this.state.event(connection, archive.migrationId(), "archive-expired", null, null,
								this.settings.instanceId(), "archive " + archive.archive() + " of column " + archive.column()
										+ " of " + archive.table() + " deleted: its retention ("
										+ this.settings.archiveRetention() + ") has passed");
						done[0] = true;
					}
				});
				if (done[0]) {
					deleted++;
					logger.info("zdm: deleted the expired archive {} of migration {} (column {} of {})", archive.archive(),
							archive.migrationId(), archive.column(), archive.table());
				}
			}
			catch (MigrationBusyException ex) {
				logger.info("zdm: migration {} is busy; its expired archive is deleted next time", archive.migrationId());
			}
		}
		return deleted;
	}

	private Undo resolve(Connection connection, Plan plan, int index) throws SQLException {
		ResolveContext context = new ResolveContext(plan.id(), index, OperationResolver.describe(plan, index),
				this.settings.schema(), new CatalogReader(connection),
				this.state.stepDetail(connection, plan.id(), OperationResolver.expandStep(index)));
		return Operations.bind(plan.operations().get(index - 1)).undo(context, connection);
	}

	private void transition(MigrationLock lock, Plan plan, Phase from, Phase to) {
		String id = plan.id();
		this.ddl.inTransaction(id + ": " + from + " -> " + to, (connection) -> {
			this.state.fence(connection, lock, plan.checksum(), "move it from " + from + " to " + to, from);
			this.state.transition(connection, id, from, to, "undo", this.settings.instanceId());
		});
		logger.info("Migration {}: {} -> {} (undo)", id, from, to);
		this.settings.listener().phaseChanged(id, from, to);
	}

	private Phase phase(String id) {
		return this.state.find(id)
			.orElseThrow(() -> new MigrationException("No migration " + id + " was started"))
			.phase();
	}

	private static void requireHeld(MigrationLock lock, String what) {
		if (!lock.isHeld()) {
			throw new MigrationBusyException("Migration " + lock.migrationId() + ": this instance no longer holds the "
					+ "migration's lock (its connection ended), so it did not " + what + ". Check its status, then undo "
					+ "again.");
		}
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

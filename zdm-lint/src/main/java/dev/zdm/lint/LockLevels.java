package dev.zdm.lint;

import java.util.LinkedHashSet;
import java.util.Set;

import dev.zdm.lint.ParsedStatement.AlterAction;

/**
 * The table lock each statement takes, as documented in PostgreSQL's "Explicit Locking" chapter and the
 * reference page of each command. Only tables that existed before the lint unit count: locks on a table
 * created in the same unit cannot block anybody.
 */
final class LockLevels {

	private LockLevels() {
	}

	static LockMode strongestOnExisting(StatementContext context) {
		ParsedStatement parsed = context.parsed();
		if (parsed instanceof ParsedStatement.CreateIndex create) {
			if (context.isNew(create.table())) {
				return null;
			}
			return create.concurrently() ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.SHARE;
		}
		if (parsed instanceof ParsedStatement.DropIndex drop) {
			if (drop.indexes().stream().allMatch(context::isNewIndex)) {
				return null;
			}
			return drop.concurrently() ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE;
		}
		if (parsed instanceof ParsedStatement.Reindex reindex) {
			return reindex.concurrently() ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE;
		}
		if (parsed instanceof ParsedStatement.AlterTable alter) {
			if (context.isNew(alter.table())) {
				return null;
			}
			LockMode strongest = null;
			for (AlterAction action : alter.actions()) {
				LockMode mode = forAction(action);
				if (strongest == null || mode.compareTo(strongest) > 0) {
					strongest = mode;
				}
			}
			return strongest;
		}
		if (parsed instanceof ParsedStatement.DropTable drop) {
			return drop.tables().stream().allMatch(context::isNew) ? null : LockMode.ACCESS_EXCLUSIVE;
		}
		if (parsed instanceof ParsedStatement.Truncate truncate) {
			return truncate.tables().stream().allMatch(context::isNew) ? null : LockMode.ACCESS_EXCLUSIVE;
		}
		if (parsed instanceof ParsedStatement.Vacuum vacuum) {
			return vacuum.full() ? LockMode.ACCESS_EXCLUSIVE : LockMode.SHARE_UPDATE_EXCLUSIVE;
		}
		if (parsed instanceof ParsedStatement.Cluster cluster) {
			return context.isNew(cluster.table()) ? null : LockMode.ACCESS_EXCLUSIVE;
		}
		if (parsed instanceof ParsedStatement.LockTable lock) {
			return lock.tables().stream().allMatch(context::isNew) ? null : LockMode.fromSql(lock.mode());
		}
		if (parsed instanceof ParsedStatement.RefreshMaterializedView refresh) {
			return refresh.concurrently() ? LockMode.EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE;
		}
		if (parsed instanceof ParsedStatement.CreateTrigger trigger) {
			return context.isNew(trigger.table()) ? null : LockMode.SHARE_ROW_EXCLUSIVE;
		}
		if (parsed instanceof ParsedStatement.DataChange change) {
			return context.isNew(change.table()) ? null : LockMode.ROW_EXCLUSIVE;
		}
		return null;
	}

	static LockMode forAction(AlterAction action) {
		if (action instanceof ParsedStatement.AddConstraint add && add.constraint().kind().equals("FOREIGN KEY")) {
			return LockMode.SHARE_ROW_EXCLUSIVE;
		}
		if (action instanceof ParsedStatement.ValidateConstraint) {
			return LockMode.SHARE_UPDATE_EXCLUSIVE;
		}
		if (action instanceof ParsedStatement.DetachPartition detach && detach.concurrently()) {
			return LockMode.SHARE_UPDATE_EXCLUSIVE;
		}
		if (action instanceof ParsedStatement.AttachPartition) {
			return LockMode.SHARE_UPDATE_EXCLUSIVE;
		}
		if (action instanceof ParsedStatement.DisableTrigger) {
			return LockMode.SHARE_ROW_EXCLUSIVE;
		}
		return LockMode.ACCESS_EXCLUSIVE;
	}

	/** The relations a statement locks, by name: tables, or {@code index <name>} when the table is not named. */
	static Set<String> targets(ParsedStatement parsed) {
		Set<String> targets = new LinkedHashSet<>();
		if (parsed instanceof ParsedStatement.AlterTable alter) {
			targets.add(alter.table().key());
		}
		else if (parsed instanceof ParsedStatement.CreateIndex create && create.table() != null) {
			targets.add(create.table().key());
		}
		else if (parsed instanceof ParsedStatement.DropIndex drop) {
			drop.indexes().forEach((index) -> targets.add("the table of index " + index.key()));
		}
		else if (parsed instanceof ParsedStatement.Reindex reindex && reindex.name() != null) {
			targets.add(reindex.target() + " " + reindex.name().key());
		}
		else if (parsed instanceof ParsedStatement.DropTable drop) {
			drop.tables().forEach((table) -> targets.add(table.key()));
		}
		else if (parsed instanceof ParsedStatement.Truncate truncate) {
			truncate.tables().forEach((table) -> targets.add(table.key()));
		}
		else if (parsed instanceof ParsedStatement.LockTable lock) {
			lock.tables().forEach((table) -> targets.add(table.key()));
		}
		else if (parsed instanceof ParsedStatement.Vacuum vacuum) {
			vacuum.tables().forEach((table) -> targets.add(table.key()));
		}
		else if (parsed instanceof ParsedStatement.Cluster cluster && cluster.table() != null) {
			targets.add(cluster.table().key());
		}
		else if (parsed instanceof ParsedStatement.RefreshMaterializedView refresh && refresh.view() != null) {
			targets.add(refresh.view().key());
		}
		return targets;
	}

}

package dev.zdm.lint;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.Name;

/**
 * What a rule sees of one statement: the statement, what it parsed to, and the state of the lint unit at
 * that point (objects created earlier in the unit, transaction, lock timeout, known schema).
 */
final class StatementContext {

	private final SqlStatement statement;

	private final ParsedStatement parsed;

	private final LintUnit unit;

	StatementContext(SqlStatement statement, ParsedStatement parsed, LintUnit unit) {
		this.statement = statement;
		this.parsed = parsed;
		this.unit = unit;
	}

	SqlStatement statement() {
		return this.statement;
	}

	ParsedStatement parsed() {
		return this.parsed;
	}

	int targetVersion() {
		return this.unit.options().postgresVersion();
	}

	KnownSchema schema() {
		return this.unit.schema();
	}

	/** Whether the table was created earlier in this lint unit, so that no other session can be using it. */
	boolean isNew(Name table) {
		return table != null && this.unit.newTables().contains(table.key());
	}

	boolean isNewIndex(Name index) {
		return index != null && this.unit.newIndexes().contains(index.key());
	}

	/** Whether the statement runs inside a transaction block (explicit, or the changeset's). */
	boolean inTransaction() {
		return this.unit.inTransaction();
	}

	boolean lockTimeoutSet() {
		return this.unit.lockTimeoutSet();
	}

	/**
	 * Whether the statement belongs to a script Flyway runs as one transaction but for statements PostgreSQL
	 * refuses in one, so that Flyway refuses the script unless its {@code mixed} setting is on.
	 */
	boolean mixedTransactionScript() {
		return this.unit.mixedTransactionScript();
	}

	/** Whether an earlier {@code SET timezone} in the unit made the session's zone UTC. */
	boolean sessionTimeZoneUtc() {
		return this.unit.sessionTimeZoneUtc();
	}

	/**
	 * The relations the current transaction already holds ACCESS EXCLUSIVE on, when this statement needs it on
	 * another one: waiting for that new lock keeps the held ones blocked. Empty when nothing is held yet or
	 * when the statement only locks relations already held, which adds no wait.
	 */
	Set<String> accessExclusiveHeldWhileWaiting() {
		Set<String> held = this.unit.accessExclusiveInTransaction();
		Set<String> targets = LockLevels.targets(this.parsed);
		if (held.isEmpty() || held.containsAll(targets)) {
			return Set.of();
		}
		Set<String> others = new LinkedHashSet<>(held);
		others.removeAll(targets);
		return others;
	}

	boolean addedNotValidInTransaction(String constraint) {
		return this.unit.notValidInTransaction().contains(constraint);
	}

	/** Whether the statement is part of a Liquibase changeset with {@code runInTransaction="false"}. */
	boolean nonTransactionalBatch() {
		return this.unit.nonTransactionalBatch();
	}

	/**
	 * Calls back for each action of a kind in an ALTER TABLE of a table that existed before this unit (a table
	 * created in the unit cannot block anybody): the one visitor the rules share for "each X on an existing
	 * table".
	 */
	<A extends AlterAction> void eachOnExistingTable(Class<A> kind, BiConsumer<A, Name> action) {
		Name table = alteredTable();
		if (table == null || isNew(table)) {
			return;
		}
		for (AlterAction each : alterActions()) {
			if (kind.isInstance(each)) {
				action.accept(kind.cast(each), table);
			}
		}
	}

	/** The ALTER TABLE actions of the statement, or none. */
	List<AlterAction> alterActions() {
		return (this.parsed instanceof ParsedStatement.AlterTable alter) ? alter.actions() : List.of();
	}

	/** The table of an ALTER TABLE statement, or null. */
	Name alteredTable() {
		return (this.parsed instanceof ParsedStatement.AlterTable alter) ? alter.table() : null;
	}

	/** The strongest lock the statement takes on a table that existed before this unit, or null. */
	LockMode strongestLockOnExisting() {
		return LockLevels.strongestOnExisting(this);
	}

}

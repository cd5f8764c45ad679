package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;

import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.database.Database;
import liquibase.database.DatabaseList;
import liquibase.precondition.Precondition;
import liquibase.precondition.core.AndPrecondition;
import liquibase.precondition.core.DBMSPrecondition;
import liquibase.precondition.core.NotPrecondition;
import liquibase.precondition.core.OrPrecondition;
import liquibase.precondition.core.PreconditionContainer;
import liquibase.precondition.core.PreconditionContainer.FailOption;

/**
 * What a changeset's Liquibase preconditions (and those of its changelog) do on PostgreSQL, decided offline:
 * only {@code <dbms>} can be known without a database, so a tree of {@code and}/{@code or}/{@code not} is
 * evaluated in three values (true, false, unknown). A changeset is skipped only when its preconditions are
 * certainly false there and {@code onFail} is {@code MARK_RAN} or {@code CONTINUE}, as Liquibase would skip
 * it; anything unknown (a {@code tableExists}, an {@code sqlCheck}) is linted, the conservative choice.
 */
enum PreconditionVerdict {

	/** Runs on PostgreSQL, or may: lint it. */
	RUNS,
	/** Liquibase skips it on PostgreSQL ({@code onFail} MARK_RAN or CONTINUE). */
	SKIPPED,
	/** Its preconditions fail on PostgreSQL with {@code onFail=HALT}: the update stops there. */
	HALTS;

	static PreconditionVerdict onPostgres(ChangeSet changeSet, Database database) {
		List<PreconditionContainer> containers = new ArrayList<>();
		DatabaseChangeLog changeLog = changeSet.getChangeLog();
		if (changeLog != null && changeLog.getPreconditions() != null) {
			containers.add(changeLog.getPreconditions());
		}
		if (changeSet.getPreconditions() != null) {
			containers.add(changeSet.getPreconditions());
		}
		for (PreconditionContainer container : containers) {
			if (evaluate(container, database) == Boolean.FALSE) {
				FailOption onFail = container.getOnFail();
				if (onFail == FailOption.MARK_RAN || onFail == FailOption.CONTINUE) {
					return SKIPPED;
				}
				if (onFail == null || onFail == FailOption.HALT) {
					return HALTS;
				}
				// WARN: Liquibase logs a warning and runs the changeset anyway.
			}
		}
		return RUNS;
	}

	/** TRUE, FALSE, or null when it depends on the database's contents. */
	static Boolean evaluate(Precondition precondition, Database database) {
		if (precondition instanceof DBMSPrecondition dbms) {
			return DatabaseList.definitionMatches(dbms.getType(), database, false);
		}
		if (precondition instanceof NotPrecondition not) {
			// Liquibase's <not> passes only when none of its children passes.
			Boolean any = any(not.getNestedPreconditions(), database);
			return (any == null) ? null : !any;
		}
		if (precondition instanceof OrPrecondition or) {
			return any(or.getNestedPreconditions(), database);
		}
		if (precondition instanceof AndPrecondition and) {
			// <preConditions> itself is an AND of its children.
			return all(and.getNestedPreconditions(), database);
		}
		return null;
	}

	private static Boolean any(List<Precondition> preconditions, Database database) {
		boolean unknown = false;
		for (Precondition each : preconditions) {
			Boolean value = evaluate(each, database);
			if (value == Boolean.TRUE) {
				return true;
			}
			unknown |= value == null;
		}
		return unknown ? null : false;
	}

	private static Boolean all(List<Precondition> preconditions, Database database) {
		boolean unknown = false;
		for (Precondition each : preconditions) {
			Boolean value = evaluate(each, database);
			if (value == Boolean.FALSE) {
				return false;
			}
			unknown |= value == null;
		}
		return unknown ? null : true;
	}

}

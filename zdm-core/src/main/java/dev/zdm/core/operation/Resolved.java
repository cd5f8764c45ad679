package dev.zdm.core.operation;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.zdm.core.ddl.DdlStep;

/**
 * One operation's steps in every phase, as data, resolved from the catalog as it is now and the memo its
 * expand recorded. The orchestrator runs them in order, and knows nothing else of the operation:
 * <ul>
 * <li>{@code expand}: additive, metadata-only DDL, committed with {@code memo};</li>
 * <li>{@code backfill}: the rows to write, verified after;</li>
 * <li>{@code beforeSwitch}, then {@code switchOver}: steps that cannot share the switch transaction (index
 * builds), then the switch itself;</li>
 * <li>{@code beforeContract}, then {@code contract}: what can fail without harm (index builds, validating
 * scans) while rollback is still possible, then the destructive steps, in one transaction;</li>
 * <li>{@code rollback}: removes every trace of the operation, keeping every write made meanwhile.</li>
 * </ul>
 * Every step is idempotent: a phase interrupted by a crash is finished by running it again.
 *
 * @param expand the expand step
 * @param memo what expand records for later phases and rollback
 * @param backfill the backfill, if the operation has one
 * @param beforeSwitch steps before the switch transaction
 * @param switchOver the switch step
 * @param beforeContract steps before contract
 * @param contract the contract step
 * @param rollback the rollback step
 * @param view what the operation shows in the version schema
 * @param sync how old and new shape are kept in step
 * @param outside the steps of expand, contract and rollback that cannot run in a transaction
 */
public record Resolved(DdlStep.InTransaction expand, Memo memo, Optional<Backfill> backfill, List<DdlStep> beforeSwitch,
		DdlStep.InTransaction switchOver, List<DdlStep> beforeContract, DdlStep.InTransaction contract,
		DdlStep.InTransaction rollback, VersionView view, Sync sync, Outside outside) {

	public Resolved {
		Objects.requireNonNull(expand, "expand");
		Objects.requireNonNull(memo, "memo");
		Objects.requireNonNull(backfill, "backfill");
		beforeSwitch = List.copyOf(beforeSwitch);
		Objects.requireNonNull(switchOver, "switchOver");
		beforeContract = List.copyOf(beforeContract);
		Objects.requireNonNull(contract, "contract");
		Objects.requireNonNull(rollback, "rollback");
		Objects.requireNonNull(view, "view");
		Objects.requireNonNull(sync, "sync");
		Objects.requireNonNull(outside, "outside");
	}

	/** An operation whose every step runs in a transaction ({@link Outside#NONE}). */
	public Resolved(DdlStep.InTransaction expand, Memo memo, Optional<Backfill> backfill, List<DdlStep> beforeSwitch,
			DdlStep.InTransaction switchOver, List<DdlStep> beforeContract, DdlStep.InTransaction contract,
			DdlStep.InTransaction rollback, VersionView view, Sync sync) {
		this(expand, memo, backfill, beforeSwitch, switchOver, beforeContract, contract, rollback, view, sync,
				Outside.NONE);
	}

	/**
	 * Steps that cannot run in a transaction ({@code CREATE INDEX CONCURRENTLY}, {@code DROP INDEX
	 * CONCURRENTLY}), each idempotent, run by the orchestrator around an operation's transactions:
	 * <ul>
	 * <li>{@code expand}: after the operation's expand transaction committed its memo (so a rollback knows,
	 * from the memo, that what they build is zdm's), until the orchestrator records them done;</li>
	 * <li>{@code contract}: once the migration is {@code CONTRACTING}, before the operation's contract
	 * transaction, until that transaction records the contract done;</li>
	 * <li>{@code rollback}: before the operation's rollback transaction, until it records the rollback done.</li>
	 * </ul>
	 *
	 * @param expand the expand steps outside a transaction
	 * @param contract the contract steps outside a transaction
	 * @param rollback the rollback steps outside a transaction
	 */
	public record Outside(List<DdlStep> expand, List<DdlStep> contract, List<DdlStep> rollback) {

		/** Nothing outside a transaction. */
		public static final Outside NONE = new Outside(List.of(), List.of(), List.of());

		public Outside {
			expand = List.copyOf(expand);
			contract = List.copyOf(contract);
			rollback = List.copyOf(rollback);
		}

	}

}

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
 */
public record Resolved(DdlStep.InTransaction expand, Memo memo, Optional<Backfill> backfill, List<DdlStep> beforeSwitch,
		DdlStep.InTransaction switchOver, List<DdlStep> beforeContract, DdlStep.InTransaction contract,
		DdlStep.InTransaction rollback, VersionView view, Sync sync) {

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
	}

}

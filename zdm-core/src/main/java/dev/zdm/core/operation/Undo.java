package dev.zdm.core.operation;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.zdm.core.ddl.DdlStep;

/**
 * How an operation of a completed migration is undone ({@code Orchestrator.undo}), as data, or why it cannot
 * be. The orchestrator runs {@code prepare} (committed with its record), then the {@code restore} backfill
 * and its verification, then {@code beforeFinish} and {@code finish} (committed with its record). Every step
 * is idempotent: an undo interrupted by a crash is finished by undoing again.
 *
 * @param refusal why the operation cannot be undone, with the fix, or {@code null} when it can
 * @param prepare what the undo adds back before its data is restored (metadata only)
 * @param restore the backfill that restores the data, if any
 * @param beforeFinish steps that may scan without blocking writes (a validating scan) before {@code finish}
 * @param finish the last step (metadata only)
 */
public record Undo(String refusal, DdlStep.InTransaction prepare, Optional<Backfill> restore, List<DdlStep> beforeFinish,
		DdlStep.InTransaction finish) {

	public Undo {
		Objects.requireNonNull(prepare, "prepare");
		Objects.requireNonNull(restore, "restore");
		beforeFinish = List.copyOf(beforeFinish);
		Objects.requireNonNull(finish, "finish");
	}

	/** An operation that cannot be undone, and why, with the fix. */
	public static Undo refused(String reason) {
		Objects.requireNonNull(reason, "reason");
		return new Undo(reason, DdlStep.InTransaction.none("refused"), Optional.empty(), List.of(),
				DdlStep.InTransaction.none("refused"));
	}

	/** Whether the operation can be undone. */
	public boolean possible() {
		return this.refusal == null;
	}

}

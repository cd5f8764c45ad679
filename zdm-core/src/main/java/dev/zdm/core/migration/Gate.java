package dev.zdm.core.migration;

import java.util.List;

import dev.zdm.core.instance.Instance;
import dev.zdm.core.instance.Readiness;

/**
 * Whether the live application instances let a migration take a step that changes what they must handle:
 * {@link #SWITCH} needs every live instance able to keep both shapes in step (unless zdm's triggers do it),
 * {@link #CONTRACT} needs every live instance off the old shape. Phases are checked apart from this (a
 * switch still needs a verified backfill).
 *
 * @param name {@link #SWITCH} or {@link #CONTRACT}
 * @param required the lowest readiness a live instance must report for the migration
 * @param open whether every live instance reports at least {@code required}
 * @param blockers the live instances below {@code required}, with what they report
 * @param reason why the gate is open or blocked, in words
 */
public record Gate(String name, Readiness required, boolean open, List<Instance> blockers, String reason) {

	/** The gate before {@code SWITCHED}. */
	public static final String SWITCH = "switch";

	/** The gate before {@code CONTRACTING}. */
	public static final String CONTRACT = "contract";

	public Gate {
		blockers = (blockers != null) ? List.copyOf(blockers) : List.of();
	}

}

package dev.zdm.core.plan;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A plan was refused: it does not parse, or does not fit the database. Nothing was executed.
 */
public class PlanException extends RuntimeException {

	private final String planId;

	private final List<PlanProblem> problems;

	public PlanException(String planId, List<PlanProblem> problems) {
		super(message(planId, problems));
		this.planId = planId;
		this.problems = List.copyOf(problems);
	}

	private static String message(String planId, List<PlanProblem> problems) {
		String header = (planId != null) ? "Plan " + planId + " was refused, nothing was executed:"
				: "Plan was refused, nothing was executed:";
		return problems.stream().map((problem) -> "  " + problem).collect(Collectors.joining("\n", header + "\n", ""));
	}

	/** The id of the refused plan, when it could be read. */
	public String planId() {
		return this.planId;
	}

	/** Every problem found. */
	public List<PlanProblem> problems() {
		return this.problems;
	}

}

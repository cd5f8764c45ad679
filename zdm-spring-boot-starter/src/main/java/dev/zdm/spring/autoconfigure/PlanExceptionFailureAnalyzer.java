package dev.zdm.spring.autoconfigure;

import dev.zdm.core.plan.PlanException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a plan refused at start-up: every problem with its file, line and operation.
 */
class PlanExceptionFailureAnalyzer extends AbstractFailureAnalyzer<PlanException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PlanException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the plan file(s) named above and restart. No DDL of the refused plan was executed.", cause);
	}

}

package dev.zdm.lint;

import java.util.List;

/**
 * The outcome of linting a set of files.
 *
 * @param findings what must be fixed (or allowed)
 * @param suppressed what suppressions allowed, with their reasons
 * @param files how many files were linted
 */
public record LintResult(List<Finding> findings, List<SuppressedFinding> suppressed, int files) {

	public LintResult {
		findings = List.copyOf(findings);
		suppressed = List.copyOf(suppressed);
	}

}

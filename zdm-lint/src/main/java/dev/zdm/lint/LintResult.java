package dev.zdm.lint;

import java.util.List;

/**
 * The outcome of linting a set of files.
 *
 * @param findings what must be fixed (or allowed)
 * @param suppressed what suppressions allowed, with their reasons
 * @param files how many files were linted
 * @param statements how many statements were linted (0 when not counted)
 */
public record LintResult(List<Finding> findings, List<SuppressedFinding> suppressed, int files, int statements) {

	public LintResult {
		findings = List.copyOf(findings);
		suppressed = List.copyOf(suppressed);
	}

	/** A result whose statements were not counted. */
	public LintResult(List<Finding> findings, List<SuppressedFinding> suppressed, int files) {
		this(findings, suppressed, files, 0);
	}

}

package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;

/**
 * Findings as text, one per line in the compiler convention {@code path:line:column: RULE-ID: message} that
 * editors and CI problem matchers understand, followed by a summary line.
 */
public final class TextReport {

	private TextReport() {
	}

	/** One line per finding, then the summary, which counts what suppressions allowed. */
	public static List<String> lines(LintResult result) {
		List<String> lines = new ArrayList<>();
		result.findings().forEach((finding) -> lines.add(finding.toCompilerLine()));
		String summary = summary(result.findings(), result.files());
		int suppressed = result.suppressed().size();
		lines.add((suppressed == 0) ? summary : summary + " (" + suppressed + " suppressed with a reason)");
		return lines;
	}

	/** One line per finding, then the summary. */
	public static List<String> lines(List<Finding> findings, int filesLinted) {
		List<String> lines = new ArrayList<>();
		findings.forEach((finding) -> lines.add(finding.toCompilerLine()));
		lines.add(summary(findings, filesLinted));
		return lines;
	}

	/** {@code zdm lint: 3 findings (2 errors, 1 warning) in 4 files}, or {@code zdm lint: no findings in 4 files}. */
	public static String summary(List<Finding> findings, int filesLinted) {
		String files = filesLinted + ((filesLinted == 1) ? " file" : " files");
		if (findings.isEmpty()) {
			return "zdm lint: no findings in " + files;
		}
		long errors = findings.stream().filter((finding) -> finding.severity() == Severity.ERROR).count();
		long warnings = findings.size() - errors;
		return "zdm lint: " + findings.size() + ((findings.size() == 1) ? " finding" : " findings") + " (" + errors
				+ ((errors == 1) ? " error, " : " errors, ") + warnings + ((warnings == 1) ? " warning" : " warnings")
				+ ") in " + files;
	}

}

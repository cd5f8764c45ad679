package dev.zdm.spring.lint;

import java.util.List;
import java.util.function.Predicate;

import dev.zdm.lint.Finding;
import dev.zdm.lint.Severity;
import dev.zdm.lint.SuppressedFinding;

/**
 * What the linter found in the pending migrations of one Liquibase changelog or one Flyway configuration.
 *
 * @param subject what was linted, e.g. {@code the pending changesets of Liquibase changelog classpath:x.yaml}
 * @param tool the tool that would run them, {@code Liquibase} or {@code Flyway}
 * @param items every finding, with the migration it belongs to
 * @param allowed the findings that {@code zdm:allow} comments allowed, with their reasons
 * @param statements how many pending statements were linted
 */
record StartupLintReport(String subject, String tool, List<Item> items, List<SuppressedFinding> allowed,
		int statements) {

	StartupLintReport {
		items = List.copyOf(items);
		allowed = List.copyOf(allowed);
	}

	/**
	 * One finding.
	 *
	 * @param finding the finding, its file shown as the application names it ({@code classpath:...})
	 * @param migration the changeset ({@code changeset id::author}) or Flyway migration ({@code Flyway
	 * version 2})
	 */
	record Item(Finding finding, String migration) {
	}

	/** The findings at or above the threshold: {@link Severity#WARNING} takes all. */
	List<Item> atLeast(Severity threshold) {
		return filter((item) -> threshold == Severity.WARNING || item.finding().severity() == Severity.ERROR);
	}

	/** The findings below the threshold. */
	List<Item> below(Severity threshold) {
		return filter((item) -> threshold != Severity.WARNING && item.finding().severity() != Severity.ERROR);
	}

	private List<Item> filter(Predicate<Item> predicate) {
		return this.items.stream().filter(predicate).toList();
	}

	/**
	 * The report of some findings ({@code what}: {@code unsafe statement} or {@code warning}): a headline, then per finding where it is (file:line:column and the
	 * changeset or migration), the rule and message, the lock and why it hurts, and the fix.
	 */
	String describe(List<Item> shown, String what, String verdict) {
		StringBuilder text = new StringBuilder();
		text.append("zdm lint found ")
			.append(shown.size())
			.append(' ')
			.append(what)
			.append((shown.size() == 1) ? "" : "s")
			.append(" in ")
			.append(this.subject)
			.append(' ')
			.append(verdict)
			.append(':');
		for (Item item : shown) {
			Finding finding = item.finding();
			text.append("\n\n  ").append(finding.location()).append(" (").append(item.migration()).append(')');
			text.append("\n    ")
				.append(finding.ruleId())
				.append(" (")
				.append(finding.severity().name().toLowerCase(java.util.Locale.ROOT))
				.append("): ")
				.append(finding.message());
			text.append("\n    Statement: ").append(oneLine(finding.statement()));
			text.append("\n    Lock: ").append(finding.lock()).append(". ").append(finding.whyItHurts());
			text.append("\n    Fix: ").append(finding.safeAlternative());
			text.append("\n    Rule: ").append(finding.docs());
		}
		if (!this.allowed.isEmpty()) {
			text.append("\n\n  ")
				.append(this.allowed.size())
				.append((this.allowed.size() == 1) ? " finding was" : " findings were")
				.append(" allowed with a reason.");
		}
		return text.toString();
	}

	private static String oneLine(String statement) {
		if (statement == null) {
			return "";
		}
		String line = statement.strip().replaceAll("\\s+", " ");
		return (line.length() > 200) ? line.substring(0, 197) + "..." : line;
	}

}

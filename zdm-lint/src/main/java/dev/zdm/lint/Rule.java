package dev.zdm.lint;

import java.util.Locale;

/**
 * A lint rule: a closed family of built-in rules with stable ids, listed by {@link Linter#rules()}.
 *
 * <p>
 * Ids never change meaning once released; a retired rule's id is not reused.
 */
public sealed interface Rule permits BuiltInRule {

	/** The stable id, such as {@code ZDM001}. */
	String id();

	/** A short title, such as {@code CREATE INDEX without CONCURRENTLY}. */
	String title();

	Severity severity();

	/** The lock the flagged statement takes, without its target, e.g. {@code SHARE}. */
	String lock();

	/** What the statement does to a running application. */
	String whyItHurts();

	/** How to make the same change safely, naming the zdm operation where one exists. */
	String safeAlternative();

	/** The documentation anchor of this rule. */
	default String docs() {
		return "docs/lint-rules.md#" + id().toLowerCase(Locale.ROOT);
	}

}

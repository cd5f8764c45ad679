package dev.zdm.lint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/lint-rules.md has a complete section for every rule, under the anchor findings link to. */
class RuleDocumentationTests {

	@Test
	void everyRuleHasACompleteSectionUnderItsAnchor() throws IOException {
		String docs = Files.readString(Path.of("..", "docs", "lint-rules.md"), StandardCharsets.UTF_8);
		for (Rule rule : Linter.rules()) {
			String anchor = "<a id=\"" + rule.id().toLowerCase(Locale.ROOT) + "\"></a>";
			assertThat(rule.docs()).endsWith("#" + rule.id().toLowerCase(Locale.ROOT));
			assertThat(docs).as("section of %s", rule.id()).contains(anchor + "\n\n### " + rule.id() + ": " + rule.title());
			int start = docs.indexOf(anchor);
			int end = docs.indexOf("<a id=", start + anchor.length());
			String section = docs.substring(start, (end > 0) ? end : docs.length());
			assertThat(section).as("section of %s", rule.id())
				.contains("**Lock:** " + rule.lock())
				.contains("**Why it hurts:** " + rule.whyItHurts())
				.contains("**Safe alternative:** " + rule.safeAlternative())
				.contains("**Example:**\n\n```sql\n")
				.contains("**PostgreSQL versions:** ");
		}
		assertThat(docs).contains("## Suppressing a finding").contains("## Running it in CI")
			.contains("-Dzdm.lint.paths=");
	}

}

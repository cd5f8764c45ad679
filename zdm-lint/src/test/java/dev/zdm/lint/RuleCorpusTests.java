package dev.zdm.lint;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every rule case produces exactly its expected rule ids: no more, no fewer. */
class RuleCorpusTests {

	static List<RuleCorpus.Case> cases() {
		return RuleCorpus.load();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void producesExactlyTheExpectedRuleIds(RuleCorpus.Case corpusCase) {
		List<Finding> findings = RuleCorpus.lint(corpusCase);
		List<String> ids = findings.stream().map(Finding::ruleId).sorted().toList();
		assertThat(ids).as("%s (%s line %d): %s", corpusCase.name(), corpusCase.file(), corpusCase.line(),
				findings.stream().map(Finding::toCompilerLine).collect(Collectors.joining("\n")))
			.isEqualTo(corpusCase.expected().stream().sorted().toList());
	}

	@Test
	void corpusIsLargeAndHalfSafe() {
		List<RuleCorpus.Case> cases = cases();
		long safe = cases.stream().filter(RuleCorpus.Case::safe).count();
		assertThat(cases).hasSizeGreaterThanOrEqualTo(80);
		assertThat(safe).isGreaterThanOrEqualTo(cases.size() * 2 / 5);
		assertThat(cases.stream().map(RuleCorpus.Case::name).distinct().count()).isEqualTo(cases.size());
	}

	@Test
	void everyRuleHasItsOwnCaseFileBesideTheOthers() {
		for (Rule rule : Linter.rules()) {
			List<RuleCorpus.Case> own = cases().stream().filter((c) -> c.file().equals(rule.id() + ".sql")).toList();
			assertThat(own).as("cases of %s in lint/rules/%s.sql", rule.id(), rule.id())
				.anyMatch((c) -> !c.safe())
				.allSatisfy((c) -> assertThat(c.safe() || c.expected().get(0).equals(rule.id())).isTrue());
		}
	}

	@Test
	void everyRuleHasAnUnsafeCase() {
		Set<String> covered = cases().stream().flatMap((c) -> c.expected().stream()).collect(Collectors.toSet());
		Set<String> rules = Linter.rules().stream().map(Rule::id).collect(Collectors.toCollection(TreeSet::new));
		assertThat(covered).containsAll(rules);
	}

}

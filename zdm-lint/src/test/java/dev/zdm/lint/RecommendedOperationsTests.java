package dev.zdm.lint;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every zdm operation a rule recommends ("zdm's createIndex", "zdm's addForeignKey/setNotNull") is one of
 * {@link ZdmOperations#ALL}. Once the plan loader accepts them all (issue 7), one more line checks that it
 * knows each: {@code assertThat(PlanLoader.operationNames()).containsAll(ZdmOperations.ALL)}.
 */
class RecommendedOperationsTests {

	/** Words after "zdm's" that name a part of zdm, not a plan operation. */
	private static final Set<String> NOT_OPERATIONS = Set.of("backfill", "executor", "migration");

	@Test
	void everyOperationARuleRecommendsIsInTheOneList() {
		Pattern mention = Pattern.compile("zdm's ([a-zA-Z]+(?:/[a-zA-Z]+)*)");
		Set<String> recommended = new TreeSet<>();
		for (Rule rule : Linter.rules()) {
			Matcher matcher = mention.matcher(rule.safeAlternative() + " " + rule.whyItHurts());
			while (matcher.find()) {
				for (String name : matcher.group(1).split("/")) {
					if (!NOT_OPERATIONS.contains(name)) {
						recommended.add(name);
					}
				}
			}
		}
		assertThat(recommended).isNotEmpty();
		assertThat(ZdmOperations.ALL).containsAll(recommended);
	}

}

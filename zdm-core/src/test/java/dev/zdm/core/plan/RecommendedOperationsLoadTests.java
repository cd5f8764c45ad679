package dev.zdm.core.plan;

import java.util.ArrayList;
import java.util.List;

import dev.zdm.core.operation.Operations;
import dev.zdm.lint.ZdmOperations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operations the linter recommends by name ({@link ZdmOperations#ALL}) are operations a plan file may
 * use: each one the registry knows is accepted by the loader as a kind (its arguments are then read, not
 * refused as an unknown operation). Every recommended name is one the registry knows.
 */
class RecommendedOperationsLoadTests {

	@Test
	void everyRecommendedOperationTheRegistryKnowsIsAcceptedByThePlanLoader() {
		List<String> known = new ArrayList<>();
		List<String> notYet = new ArrayList<>();
		for (String name : ZdmOperations.ALL) {
			String yaml = "id: recommended\noperations:\n  - " + name + ": {}\n";
			if (Operations.type(name).isPresent()) {
				known.add(name);
				// Arguments missing, but the kind itself is accepted.
				assertThatThrownBy(() -> new PlanLoader().load(yaml, "r.yaml")).isInstanceOfSatisfying(PlanException.class,
						(ex) -> assertThat(ex.problems()).isNotEmpty()
							.allSatisfy((problem) -> assertThat(problem.message()).doesNotContain("unknown operation")
								.contains("is required")));
			}
			else {
				notYet.add(name);
				assertThatThrownBy(() -> new PlanLoader().load(yaml, "r.yaml")).hasMessageContaining("unknown operation '"
						+ name + "'");
			}
		}
		assertThat(notYet).as("operations the linter recommends that the plan loader does not know").isEmpty();
		assertThat(Operations.kinds()).containsAll(ZdmOperations.ALL);
	}

}

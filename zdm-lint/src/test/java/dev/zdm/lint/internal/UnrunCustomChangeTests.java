package dev.zdm.lint.internal;

import liquibase.exception.CustomChangeException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class UnrunCustomChangeTests {

	@Test
	void loadsNothingWhileTheLinterReadsAndBehavesAsLiquibaseElsewhere() throws Exception {
		UnrunCustomChange change = new UnrunCustomChange();
		try (UnrunCustomChange.Reading reading = UnrunCustomChange.reading()) {
			change.setClass("com.example.Missing");
		}
		assertThat(change.unloaded()).isTrue();
		assertThat(change.getClassName()).isEqualTo("com.example.Missing");
		// Outside the linter's reading (a real Liquibase update), a missing class fails as Liquibase's own does.
		assertThatExceptionOfType(CustomChangeException.class)
			.isThrownBy(() -> new UnrunCustomChange().setClass("com.example.Missing"));
	}

}

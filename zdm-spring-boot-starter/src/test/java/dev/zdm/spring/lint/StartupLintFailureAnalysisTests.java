package dev.zdm.spring.lint;

import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A whole Spring Boot application on a real PostgreSQL: the failure analyzer registered in
 * {@code META-INF/spring.factories} prints the lint report as the reason start-up failed.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupLintFailureAnalysisTests {

	private final TestDatabase db = TestDatabase.create();

	@AfterEach
	void dropDatabase() {
		this.db.close();
	}

	@Test
	void anUnsafeChangesetStopsTheApplicationWithTheReport(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("classpath:lint/liquibase/unsafe/db.changelog-master.yaml"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Description:\n\nzdm lint found 2 unsafe statements in the pending changesets of Liquibase changelog"
					+ " classpath:lint/liquibase/unsafe/db.changelog-master.yaml (Liquibase has not run them):")
			.contains("classpath:lint/liquibase/unsafe/changes/002-index-users.yaml:2:3 (changeset index-users-email::alice)")
			.contains("Action:\n\nMake each change as its Fix says");
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'users'")).isZero();
	}

	@Test
	void anAllowedChangesetStarts() {
		try (ConfigurableApplicationContext context = run("classpath:lint/liquibase/allowed/db.changelog-master.yaml")) {
			assertThat(this.db.queryLong("SELECT count(*) FROM databasechangelog")).isEqualTo(2);
		}
	}

	private ConfigurableApplicationContext run(String changelog) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application.run("--spring.datasource.url=" + this.db.jdbcUrl(),
				"--spring.datasource.username=" + this.db.user(), "--spring.datasource.password=" + this.db.password(),
				"--spring.liquibase.change-log=" + changelog, "--spring.main.banner-mode=off");
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class,
			ZdmLintAutoConfiguration.class })
	static class App {

	}

}

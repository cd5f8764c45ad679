package dev.zdm.spring.lint;

import javax.sql.DataSource;

import dev.zdm.testing.TestDatabase;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up lint of an application's Liquibase changelog, on a real PostgreSQL: every test has a database
 * of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class LiquibaseStartupLintTests {

	private static final String UNSAFE = "spring.liquibase.change-log=classpath:lint/liquibase/unsafe/db.changelog-master.yaml";

	private static final String ALLOWED = "spring.liquibase.change-log=classpath:/lint/liquibase/allowed/db.changelog-master.yaml";

	private final TestDatabase db = TestDatabase.create();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LiquibaseAutoConfiguration.class, ZdmLintAutoConfiguration.class))
		.withBean(DataSource.class, this.db::dataSource);

	@AfterEach
	void dropDatabase() {
		this.db.close();
	}

	@Test
	void unsafeChangesetsFailStartUpWithTheReportBeforeLiquibaseRunsThem() {
		this.runner.withPropertyValues(UNSAFE).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new UnsafeMigrationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.startsWith("zdm lint found 2 unsafe statements in the pending changesets of Liquibase changelog"
						+ " classpath:lint/liquibase/unsafe/db.changelog-master.yaml (Liquibase has not run them):")
				.contains("classpath:lint/liquibase/unsafe/changes/002-index-users.yaml:2:3 (changeset index-users-email::alice)")
				.contains("ZDM001 (error): ")
				.contains("Statement: CREATE INDEX idx_users_email ON users(email)")
				.contains("Lock: SHARE")
				.contains("Fix: ")
				.contains("CONCURRENTLY")
				.contains("classpath:lint/liquibase/unsafe/changes/003-rename-email.sql:4:19 (changeset rename-email::bob)")
				.contains("ZDM016 (error): ")
				.contains("docs/lint-rules.md#zdm016")
				// warnings (a missing lock_timeout) are below the default zdm.lint.fail-on=error
				.doesNotContain("ZDM022");
			assertThat(analysis.getAction()).contains("zdm:allow ZDM001", "zdm.lint.mode=warn", "zdm.lint.mode=off");
			// Liquibase never started: nothing of the changelog ran.
			assertThat(this.db.queryLong("SELECT count(*) FROM pg_class WHERE relname IN ('users', 'databasechangelog')"))
				.isZero();
		});
	}

	@Test
	void changesetsAllowedWithAReasonPass(CapturedOutput output) {
		this.runner.withPropertyValues(ALLOWED).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(this.db.queryStrings("SELECT id FROM databasechangelog ORDER BY orderexecuted"))
				.containsExactly("create-users", "index-users-email");
		});
		assertThat(output).contains("002-index-users.yaml:2:3 ZDM001 allowed with the reason: users is a lookup table of 40 rows");
	}

	@Test
	void changesetsAlreadyAppliedAreNotLintedAgain(CapturedOutput output) {
		// An earlier release ran the unsafe changesets (warn mode let it start).
		this.runner.withPropertyValues(UNSAFE, "zdm.lint.mode=warn").run((context) -> assertThat(context).hasNotFailed());
		assertThat(this.db.queryLong("SELECT count(*) FROM databasechangelog")).isEqualTo(3);
		this.runner.withPropertyValues(UNSAFE).run((context) -> {
			assertThat(context).hasNotFailed();
		});
		assertThat(output).contains("zdm lint: no unsafe statement in the pending changesets of Liquibase changelog"
				+ " classpath:lint/liquibase/unsafe/db.changelog-master.yaml (0 statements linted");
	}

	@Test
	void warnModeLogsTheReportAndStarts(CapturedOutput output) {
		this.runner.withPropertyValues(UNSAFE, "zdm.lint.mode=warn").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(this.db.queryStrings("SELECT id FROM databasechangelog ORDER BY orderexecuted"))
				.containsExactly("create-users", "index-users-email", "rename-email");
		});
		assertThat(output).contains("WARN")
			.contains("zdm lint found 2 unsafe statements in the pending changesets of Liquibase changelog"
					+ " classpath:lint/liquibase/unsafe/db.changelog-master.yaml (zdm.lint.mode=warn: Liquibase runs them now)")
			.contains("(changeset index-users-email::alice)")
			.contains("ZDM001 (error)");
	}

	@Test
	void offModeLintsNothing() {
		this.runner.withPropertyValues(UNSAFE, "zdm.lint.mode=off").run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(ZdmLintAutoConfiguration.LiquibaseLintPostProcessor.class)
				.doesNotHaveBean(ZdmLintAutoConfiguration.FlywayLintPostProcessor.class);
			assertThat(this.db.queryLong("SELECT count(*) FROM databasechangelog")).isEqualTo(3);
		});
	}

	@Test
	void zdmDisabledLintsNothing() {
		this.runner.withPropertyValues(UNSAFE, "zdm.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ZdmLintAutoConfiguration.LiquibaseLintPostProcessor.class);
		});
	}

	@Test
	void failOnWarningAlsoFailsOnWarnings() {
		this.runner.withPropertyValues(ALLOWED, "zdm.lint.fail-on=warning").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new UnsafeMigrationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("(changeset index-users-email::alice)")
				.contains("ZDM022 (warning)")
				.doesNotContain("ZDM001");
		});
	}

	@Test
	void readsTheChangelogTableLiquibaseIsConfiguredWith(CapturedOutput output) {
		String[] custom = { UNSAFE, "spring.liquibase.liquibase-schema=lb", "spring.liquibase.database-change-log-table=app_changelog" };
		this.db.execute("CREATE SCHEMA lb");
		this.runner.withPropertyValues(custom).withPropertyValues("zdm.lint.mode=warn").run((context) -> assertThat(context).hasNotFailed());
		assertThat(this.db.queryLong("SELECT count(*) FROM lb.app_changelog")).isEqualTo(3);
		this.runner.withPropertyValues(custom).run((context) -> assertThat(context).hasNotFailed());
		// With the default table name every changeset would be pending again.
		this.runner.withPropertyValues(UNSAFE).run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void onlyTheChangesetsOfTheConfiguredContextsAndLabelsAreLinted() {
		String changelog = "spring.liquibase.change-log=classpath:lint/liquibase/contexts/db.changelog-master.yaml";
		this.runner.withPropertyValues(changelog, "spring.liquibase.contexts=prod", "spring.liquibase.label-filter=!reporting")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(this.db.queryStrings("SELECT id FROM databasechangelog")).containsExactly("create-users");
		this.runner.withPropertyValues(changelog).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(new UnsafeMigrationFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
				.contains("zdm lint found 2 unsafe statements")
				.contains("(changeset rename-email-in-test-data::alice)\n    ZDM016")
				.contains("(changeset index-users-email::alice)\n    ZDM001");
		});
	}

	@Test
	void aChangelogTheLinterCannotReadFailsStartUpAndSaysHowToStartAnyway() {
		this.runner.withPropertyValues("spring.liquibase.change-log=classpath:lint/liquibase/broken/db.changelog-master.yaml")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("zdm lint could not lint the migrations of Liquibase bean 'liquibase'")
					.hasStackTraceContaining("Set zdm.lint.mode=warn to start anyway");
			});
	}

	@Test
	void aSpringLiquibaseTheApplicationDefinesIsLintedToo() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ZdmLintAutoConfiguration.class))
			.withBean("appLiquibase", SpringLiquibase.class, () -> {
				SpringLiquibase liquibase = new SpringLiquibase();
				liquibase.setDataSource(this.db.dataSource());
				liquibase.setChangeLog("classpath:lint/liquibase/unsafe/db.changelog-master.yaml");
				return liquibase;
			})
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(new UnsafeMigrationFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
					.contains("(changeset index-users-email::alice)\n    ZDM001");
				assertThat(this.db.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'users'")).isZero();
			});
	}

	@Test
	void noLintWithoutLiquibaseOrFlywayOnTheClassPath() {
		this.runner.withClassLoader(new FilteredClassLoader(SpringLiquibase.class, Flyway.class))
			.withPropertyValues(UNSAFE)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ZdmLintAutoConfiguration.LiquibaseLintPostProcessor.class)
				.doesNotHaveBean(ZdmLintAutoConfiguration.FlywayLintPostProcessor.class));
	}

	@Test
	void aLintPostProcessorOnlyForTheToolsOnTheClassPath() {
		this.runner.withClassLoader(new FilteredClassLoader(Flyway.class))
			.withPropertyValues(ALLOWED)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ZdmLintAutoConfiguration.LiquibaseLintPostProcessor.class)
				.doesNotHaveBean(ZdmLintAutoConfiguration.FlywayLintPostProcessor.class));
	}

}

package dev.zdm.spring.lint;

import javax.sql.DataSource;

import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up lint of an application's Flyway SQL migrations, on a real PostgreSQL: every test has a
 * database of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class FlywayStartupLintTests {

	private static final String UNSAFE = "spring.flyway.locations=classpath:lint/flyway/unsafe";

	private final TestDatabase db = TestDatabase.create();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class, ZdmLintAutoConfiguration.class))
		.withBean(DataSource.class, this.db::dataSource);

	@AfterEach
	void dropDatabase() {
		this.db.close();
	}

	@Test
	void unsafeMigrationsFailStartUpWithTheReportBeforeFlywayRunsThem() {
		this.runner.withPropertyValues(UNSAFE).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new UnsafeMigrationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.startsWith("zdm lint found 1 unsafe statement in the pending Flyway migrations of"
						+ " classpath:lint/flyway/unsafe (Flyway has not run them):")
				.contains("classpath:lint/flyway/unsafe/V2__index_users.sql:2:1 (Flyway version 2 (index users))")
				.contains("ZDM001 (error): CREATE INDEX on existing table users without CONCURRENTLY")
				.contains("Statement: CREATE INDEX idx_users_email ON users (email)")
				.contains("Rule: docs/lint-rules.md#zdm001");
			assertThat(analysis.getAction()).contains("-- zdm:allow <RULE> <why it is safe here>");
			assertThat(this.db.queryLong("SELECT count(*) FROM pg_class WHERE relname IN ('users', 'flyway_schema_history')"))
				.isZero();
		});
	}

	@Test
	void migrationsAllowedWithAReasonPass(CapturedOutput output) {
		this.runner.withPropertyValues("spring.flyway.locations=classpath:lint/flyway/allowed").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(this.db.queryStrings("SELECT version FROM flyway_schema_history ORDER BY installed_rank"))
				.containsExactly("1", "2");
		});
		assertThat(output).contains("classpath:lint/flyway/allowed/V2__index_users.sql:2:1 ZDM001 allowed with the reason:"
				+ " users is a lookup table of 40 rows in every environment");
	}

	@Test
	void appliedMigrationsAreNotLintedAgain(CapturedOutput output) {
		this.runner.withPropertyValues(UNSAFE, "zdm.lint.mode=warn").run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("(zdm.lint.mode=warn: Flyway runs them now)");
		// The next release adds V3; V2 ran already and is not reported again, and V1 taught the linter that
		// users is an existing table.
		// Flyway's transactional lock holds a transaction open that CREATE INDEX CONCURRENTLY would wait for forever.
		this.runner.withPropertyValues("spring.flyway.locations=classpath:lint/flyway/unsafe,classpath:lint/flyway/later",
				"spring.flyway.postgresql.transactional-lock=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(this.db.queryStrings("SELECT version FROM flyway_schema_history ORDER BY installed_rank"))
					.containsExactly("1", "2", "3");
			});
	}

	@Test
	void lintsBeforeAnApplicationsOwnMigrationStrategy() {
		FlywayMigrationStrategy strategy = (flyway) -> flyway.migrate();
		this.runner.withPropertyValues(UNSAFE).withBean(FlywayMigrationStrategy.class, () -> strategy).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(UnsafeMigrationException.class);
			assertThat(this.db.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'users'")).isZero();
		});
	}

}

package dev.zdm.spring.lint;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import javax.sql.DataSource;

import dev.zdm.lint.LintOptions;
import dev.zdm.lint.Severity;
import dev.zdm.lint.SuppressedFinding;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Runs one lint of pending migrations and acts on it as {@code zdm.lint.*} says: throws
 * {@link UnsafeMigrationException} in {@code fail} mode, logs the report in {@code warn} mode.
 */
final class StartupLint {

	private static final Log logger = LogFactory.getLog(StartupLint.class);

	private final ZdmLintProperties properties;

	StartupLint(ZdmLintProperties properties) {
		this.properties = properties;
	}

	/** Properties bound from the environment: post-processors are created before configuration properties beans. */
	static StartupLint from(Environment environment) {
		return new StartupLint(Binder.get(environment).bindOrCreate("zdm.lint", ZdmLintProperties.class));
	}

	/**
	 * Lints the migrations that will run on this data source, unless it is not PostgreSQL (the rules are
	 * PostgreSQL's; an application's tests on another database are left alone).
	 */
	void run(DataSource dataSource, String what, Function<LintOptions, StartupLintReport> linting) {
		if (this.properties.getMode() == ZdmLintProperties.Mode.OFF || dataSource == null) {
			return;
		}
		Integer serverVersion = postgresVersion(dataSource, what);
		if (serverVersion == null) {
			return;
		}
		LintOptions options;
		try {
			options = LintOptions.defaults()
				.withPostgresVersion((this.properties.getPostgresVersion() != null) ? this.properties.getPostgresVersion()
						: Math.max(10, Math.min(18, serverVersion)));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("zdm.lint.postgres-version: " + ex.getMessage(), ex);
		}
		StartupLintReport report;
		long start = System.nanoTime();
		try {
			report = linting.apply(options);
		}
		catch (RuntimeException ex) {
			// The linter could not read the migrations: fail safe, but say how to start without it.
			String problem = "zdm lint could not lint the migrations of " + what + ": " + ex.getMessage();
			if (this.properties.getMode() == ZdmLintProperties.Mode.FAIL) {
				throw new IllegalStateException(problem + ". Set zdm.lint.mode=warn to start anyway.", ex);
			}
			logger.warn(problem + " (zdm.lint.mode=warn: starting anyway)", ex);
			return;
		}
		if (report != null) {
			act(report, Duration.ofNanos(System.nanoTime() - start));
		}
	}

	private void act(StartupLintReport report, Duration took) {
		Severity threshold = this.properties.getFailOn();
		List<StartupLintReport.Item> failing = report.atLeast(threshold);
		List<StartupLintReport.Item> minor = report.below(threshold);
		if (!failing.isEmpty()) {
			if (this.properties.getMode() == ZdmLintProperties.Mode.FAIL) {
				String verdict = "(" + report.tool() + " has not run them)";
				throw new UnsafeMigrationException(report.describe(failing, "unsafe statement", verdict), report.tool());
			}
			String verdict = "(zdm.lint.mode=warn: " + report.tool() + " runs them now)";
			logger.warn(report.describe(failing, "unsafe statement", verdict));
		}
		if (!minor.isEmpty()) {
			logger.warn(report.describe(minor, "warning", "(below zdm.lint.fail-on="
					+ threshold.name().toLowerCase(Locale.ROOT) + ")"));
		}
		for (SuppressedFinding allowed : report.allowed()) {
			logger.info("zdm lint: " + allowed.finding().location() + " " + allowed.finding().ruleId()
					+ " allowed with the reason: " + allowed.reason());
		}
		if (report.items().isEmpty()) {
			logger.info("zdm lint: no unsafe statement in " + report.subject() + " (" + report.statements()
					+ " statements linted, " + report.allowed().size() + " findings allowed with a reason, in "
					+ took.toMillis() + " ms)");
		}
	}

	private static Integer postgresVersion(DataSource dataSource, String what) {
		try (Connection connection = dataSource.getConnection()) {
			DatabaseMetaData metaData = connection.getMetaData();
			if (!"PostgreSQL".equalsIgnoreCase(metaData.getDatabaseProductName())) {
				logger.info("zdm lint: " + what + " migrates " + metaData.getDatabaseProductName()
						+ ", not PostgreSQL: not linted");
				return null;
			}
			return metaData.getDatabaseMajorVersion();
		}
		catch (SQLException ex) {
			throw new IllegalStateException("zdm lint could not connect to the database of " + what
					+ " to find its pending migrations: " + ex.getMessage(), ex);
		}
	}

}

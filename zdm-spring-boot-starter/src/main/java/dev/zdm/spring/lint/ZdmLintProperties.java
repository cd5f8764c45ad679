package dev.zdm.spring.lint;

import dev.zdm.lint.Severity;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the start-up lint of the application's own Liquibase changesets and Flyway migrations
 * ({@code zdm.lint.*}).
 */
@ConfigurationProperties("zdm.lint")
public class ZdmLintProperties {

	/**
	 * What an unsafe pending changeset or migration does at start-up: {@code fail} stops the application
	 * with the report before Liquibase or Flyway runs it, {@code warn} logs the report and starts,
	 * {@code off} lints nothing.
	 */
	private Mode mode = Mode.FAIL;

	/**
	 * The weakest severity that fails start-up in {@code fail} mode: {@code error} (statements that block
	 * reads or writes, or rewrite a table) or {@code warning} (also the risky ones that depend on table size
	 * or the application's code). Findings below it are logged.
	 */
	private Severity failOn = Severity.ERROR;

	/**
	 * The major version of the production PostgreSQL that the rules judge against (10 to 18). Unset: the
	 * version of the database Liquibase or Flyway migrates.
	 */
	private Integer postgresVersion;

	public Mode getMode() {
		return this.mode;
	}

	public void setMode(Mode mode) {
		this.mode = mode;
	}

	public Severity getFailOn() {
		return this.failOn;
	}

	public void setFailOn(Severity failOn) {
		this.failOn = failOn;
	}

	public Integer getPostgresVersion() {
		return this.postgresVersion;
	}

	public void setPostgresVersion(Integer postgresVersion) {
		this.postgresVersion = postgresVersion;
	}

	/** What the start-up lint does with unsafe pending migrations. */
	public enum Mode {

		/** Fail start-up with the report, before Liquibase or Flyway runs anything. */
		FAIL,

		/** Log the report as a warning and start. */
		WARN,

		/** Lint nothing. */
		OFF

	}

}

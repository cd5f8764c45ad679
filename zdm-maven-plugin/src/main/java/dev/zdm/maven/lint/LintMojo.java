package dev.zdm.maven.lint;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import dev.zdm.lint.LintOptions;
import dev.zdm.lint.Severity;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Lints SQL migration scripts and Liquibase changelogs for statements that lock or rewrite tables, and fails
 * the build when it finds any. Needs no configuration in the pom:
 *
 * <pre>
 * ./mvnw dev.zdm:zdm-maven-plugin:0.1.0:lint -Dzdm.lint.paths=src/main/resources/db
 * </pre>
 *
 * Each finding is printed as {@code path:line:column: RULE-ID: message}, followed by a summary line; the
 * same lines go to {@code zdm.lint.textFile} and a SARIF 2.1.0 log to {@code zdm.lint.sarifFile}.
 */
@Mojo(name = "lint", defaultPhase = LifecyclePhase.VERIFY, requiresProject = false, threadSafe = true)
public class LintMojo extends AbstractMojo {

	/**
	 * Files and directories to lint, comma-separated on the command line: {@code .sql} scripts and Liquibase
	 * changelogs ({@code .xml}, {@code .yaml}, {@code .yml}, {@code .json}, formatted {@code .sql}).
	 * Directories are searched recursively and linted in migration order (numbers compared as numbers).
	 * Defaults to {@code src/main/resources/db} when it exists.
	 */
	@Parameter(property = "zdm.lint.paths")
	private List<File> paths;

	/** The major version of the production PostgreSQL (10 to 18). */
	@Parameter(property = "zdm.lint.postgresVersion", defaultValue = "14")
	private int postgresVersion;

	/** Whether each plain SQL script runs in one transaction (Flyway) rather than statement by statement. */
	@Parameter(property = "zdm.lint.scriptsRunInTransaction", defaultValue = "false")
	private boolean scriptsRunInTransaction;

	/** The weakest severity that fails the build: {@code warning}, {@code error} or {@code none}. */
	@Parameter(property = "zdm.lint.failOn", defaultValue = "warning")
	private String failOn;

	/** Where to write the findings as text, one per line; empty for no file. */
	@Parameter(property = "zdm.lint.textFile", defaultValue = "${basedir}/target/zdm-lint.txt")
	private File textFile;

	/** Where to write the SARIF 2.1.0 log for code-scanning UIs; empty for no file. */
	@Parameter(property = "zdm.lint.sarifFile", defaultValue = "${basedir}/target/zdm-lint.sarif")
	private File sarifFile;

	/** Prints each finding's lock, reason and safe alternative under it. */
	@Parameter(property = "zdm.lint.verbose", defaultValue = "false")
	private boolean verbose;

	/**
	 * JDBC URL of a PostgreSQL to rehearse plain SQL scripts on (in a scratch schema that is dropped
	 * afterwards): each statement's real locks and rewrites are printed next to the findings. Not set: no
	 * rehearsal.
	 */
	@Parameter(property = "zdm.lint.rehearsalUrl")
	private String rehearsalUrl;

	/** User for {@code zdm.lint.rehearsalUrl}. */
	@Parameter(property = "zdm.lint.rehearsalUser")
	private String rehearsalUser;

	/** Password for {@code zdm.lint.rehearsalUrl}. */
	@Parameter(property = "zdm.lint.rehearsalPassword")
	private String rehearsalPassword;

	/**
	 * Absolute URL of the folder holding {@code lint-rules.md}, used as each SARIF rule's {@code helpUri} so
	 * that code-scanning UIs link to it. Not set: the docs anchor is only in the help text.
	 */
	@Parameter(property = "zdm.lint.docsBaseUrl")
	private String docsBaseUrl;

	@Parameter(property = "zdm.lint.skip", defaultValue = "false")
	private boolean skip;

	@Parameter(defaultValue = "${basedir}", readonly = true, required = true)
	private File basedir;

	@Override
	public void execute() throws MojoExecutionException, MojoFailureException {
		if (this.skip) {
			getLog().info("zdm lint skipped");
			return;
		}
		LintOptions options;
		try {
			options = LintOptions.defaults()
				.withPostgresVersion(this.postgresVersion)
				.withScriptsRunInTransaction(this.scriptsRunInTransaction);
		}
		catch (IllegalArgumentException ex) {
			throw new MojoExecutionException(ex.getMessage(), ex);
		}
		MigrationLint.Settings settings = new MigrationLint.Settings(this.basedir.toPath(), inputs(), options,
				threshold(), this.textFile, this.sarifFile, this.verbose, rehearsalDataSource(), this.docsBaseUrl);
		MigrationLint.Outcome outcome = new MigrationLint(settings, getLog()).run();
		if (outcome.fails()) {
			throw new MojoFailureException(outcome.failureMessage());
		}
	}

	/** null when nothing fails the build. */
	private Severity threshold() throws MojoExecutionException {
		return switch (this.failOn.strip().toLowerCase(Locale.ROOT)) {
			case "warning" -> Severity.WARNING;
			case "error" -> Severity.ERROR;
			case "none" -> null;
			default -> throw new MojoExecutionException(
					"zdm.lint.failOn must be warning, error or none, not '" + this.failOn + "'");
		};
	}

	private List<Path> inputs() throws MojoExecutionException {
		List<Path> inputs = new ArrayList<>();
		if (this.paths == null || this.paths.isEmpty()) {
			Path fallback = this.basedir.toPath().resolve("src/main/resources/db");
			if (!Files.isDirectory(fallback)) {
				throw new MojoExecutionException("Nothing to lint: set -Dzdm.lint.paths=<dirs or files> (comma-separated)");
			}
			inputs.add(fallback);
			return inputs;
		}
		for (File path : this.paths) {
			Path resolved = path.isAbsolute() ? path.toPath() : this.basedir.toPath().resolve(path.getPath());
			if (!Files.exists(resolved)) {
				throw new MojoExecutionException("zdm.lint.paths: no such file or directory: " + path);
			}
			inputs.add(resolved.normalize());
		}
		return inputs;
	}

	private DataSource rehearsalDataSource() {
		if (this.rehearsalUrl == null || this.rehearsalUrl.isBlank()) {
			return null;
		}
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.rehearsalUrl);
		if (this.rehearsalUser != null) {
			dataSource.setUser(this.rehearsalUser);
		}
		if (this.rehearsalPassword != null) {
			dataSource.setPassword(this.rehearsalPassword);
		}
		dataSource.setApplicationName("zdm-lint-rehearsal");
		return dataSource;
	}

}

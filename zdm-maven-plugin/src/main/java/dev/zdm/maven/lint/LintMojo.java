package dev.zdm.maven.lint;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.zdm.core.lint.Finding;
import dev.zdm.core.lint.LintOptions;
import dev.zdm.core.lint.Linter;
import dev.zdm.core.lint.SarifReport;
import dev.zdm.core.lint.Severity;
import dev.zdm.core.lint.SourceLocation;
import dev.zdm.core.lint.TextReport;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

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
	 * Directories are searched recursively and linted in file-name order. Defaults to
	 * {@code src/main/resources/db} when it exists.
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
		Severity threshold = threshold();
		List<Path> inputs = inputs();
		Linter linter;
		try {
			linter = new Linter(LintOptions.defaults()
				.withPostgresVersion(this.postgresVersion)
				.withScriptsRunInTransaction(this.scriptsRunInTransaction));
		}
		catch (IllegalArgumentException ex) {
			throw new MojoExecutionException(ex.getMessage(), ex);
		}
		List<Finding> findings;
		int files;
		try {
			files = countFiles(inputs);
			findings = linter.lintPaths(inputs).stream().map(this::relativized).toList();
		}
		catch (RuntimeException ex) {
			throw new MojoExecutionException("zdm lint could not read the migrations: " + ex.getMessage(), ex);
		}
		List<String> lines = TextReport.lines(findings, files);
		for (Finding finding : findings) {
			if (finding.severity() == Severity.ERROR) {
				getLog().error(finding.toCompilerLine());
			}
			else {
				getLog().warn(finding.toCompilerLine());
			}
			if (this.verbose) {
				getLog().info("    lock: " + finding.lock() + ". " + finding.whyItHurts());
				getLog().info("    safe: " + finding.safeAlternative() + " See " + finding.docs());
			}
		}
		String summary = lines.get(lines.size() - 1);
		write(this.textFile, String.join("\n", lines) + "\n");
		write(this.sarifFile, SarifReport.toJson(findings, version()));
		boolean fails = threshold != null
				&& findings.stream().anyMatch((finding) -> finding.severity().compareTo(threshold) <= 0);
		if (fails) {
			getLog().error(summary);
			throw new MojoFailureException(summary + ": fix the statements, or allow one with"
					+ " '-- zdm:allow <RULE-ID> <reason>' (see docs/lint-rules.md)");
		}
		getLog().info(summary);
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

	private static int countFiles(List<Path> inputs) {
		return Linter.expand(inputs).size();
	}

	/** Reports paths relative to the project, with forward slashes, as editors and SARIF viewers expect. */
	private Finding relativized(Finding finding) {
		SourceLocation location = finding.location();
		String file = location.file();
		Path path = Path.of(file);
		Path base = this.basedir.toPath().toAbsolutePath().normalize();
		if (path.isAbsolute() && path.normalize().startsWith(base)) {
			file = base.relativize(path.normalize()).toString();
		}
		file = file.replace(File.separatorChar, '/');
		return new Finding(finding.ruleId(), finding.severity(), finding.message(), finding.lock(),
				finding.whyItHurts(), finding.safeAlternative(), finding.docs(),
				new SourceLocation(file, location.line(), location.column(), location.changeSet()), finding.statement());
	}

	private static void write(File file, String content) throws MojoExecutionException {
		if (file == null || file.getPath().isBlank()) {
			return;
		}
		try {
			Path path = file.toPath();
			if (path.getParent() != null) {
				Files.createDirectories(path.getParent());
			}
			Files.writeString(path, content, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new MojoExecutionException("Could not write " + file + ": " + ex.getMessage(), ex);
		}
	}

	private static String version() {
		String version = LintMojo.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "dev";
	}

}

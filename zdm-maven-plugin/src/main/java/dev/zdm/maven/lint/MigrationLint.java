package dev.zdm.maven.lint;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import dev.zdm.lint.Finding;
import dev.zdm.lint.LintOptions;
import dev.zdm.lint.LintResult;
import dev.zdm.lint.Linter;
import dev.zdm.lint.LockMode;
import dev.zdm.lint.LockRehearsal;
import dev.zdm.lint.ObservedLock;
import dev.zdm.lint.RehearsedStatement;
import dev.zdm.lint.SarifReport;
import dev.zdm.lint.Severity;
import dev.zdm.lint.SourceLocation;
import dev.zdm.lint.SuppressedFinding;
import dev.zdm.lint.TextReport;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.Log;

/**
 * One run of {@code zdm:lint}, apart from Maven's parameter injection so that it can be tested directly:
 * lints the inputs, prints and writes the reports, optionally rehearses plain SQL scripts on a database, and
 * says whether the build must fail.
 */
final class MigrationLint {

	/**
	 * What to lint and how.
	 * @param basedir the project (or current) directory, against which paths are reported
	 * @param inputs the files and directories to lint
	 * @param options the linter's options
	 * @param failOn the weakest severity that fails the build, or null for none
	 * @param textFile where to write the text report, or null
	 * @param sarifFile where to write the SARIF report, or null
	 * @param verbose whether to print each finding's lock, reason and alternative
	 * @param rehearsal the database to rehearse plain SQL scripts on, or null
	 * @param docsBaseUrl absolute URL of the folder holding lint-rules.md, for SARIF's helpUri, or null
	 */
	record Settings(Path basedir, List<Path> inputs, LintOptions options, Severity failOn, File textFile,
			File sarifFile, boolean verbose, DataSource rehearsal, String docsBaseUrl) {
	}

	/** How many failing findings the build-failure message lists; the rest are in the reports. */
	static final int LISTED_IN_FAILURE = 25;

	/**
	 * The findings, the summary line, and whether the build fails.
	 * @param failing the findings at or above {@code failOn}, which fail the build
	 */
	record Outcome(List<Finding> findings, String summary, boolean fails, List<Finding> failing) {

		/**
		 * The build-failure message: the summary, then each finding that failed the build, so that it is seen
		 * even under {@code mvn -q}, which hides the warnings logged before it.
		 */
		String failureMessage() {
			StringBuilder message = new StringBuilder(this.summary).append(':');
			this.failing.stream().limit(LISTED_IN_FAILURE)
				.forEach((finding) -> message.append("\n  ").append(finding.toCompilerLine()));
			if (this.failing.size() > LISTED_IN_FAILURE) {
				message.append("\n  ... and ").append(this.failing.size() - LISTED_IN_FAILURE)
					.append(" more in the text and SARIF reports");
			}
			return message.append("\nFix the statements, or allow one with '-- zdm:allow <RULE-ID> <reason>'")
				.append(" (see docs/lint-rules.md)").toString();
		}

	}

	private final Settings settings;

	private final Log log;

	MigrationLint(Settings settings, Log log) {
		this.settings = settings;
		this.log = log;
	}

	Outcome run() throws MojoExecutionException {
		Linter linter = new Linter(this.settings.options());
		List<Path> files;
		LintResult result;
		try {
			files = Linter.expand(this.settings.inputs());
			LintResult raw = linter.check(this.settings.inputs());
			result = new LintResult(raw.findings().stream().map(this::relativized).toList(),
					raw.suppressed().stream()
						.map((s) -> new SuppressedFinding(relativized(s.finding()), s.reason(), s.inSource()))
						.toList(),
					raw.files());
		}
		catch (RuntimeException ex) {
			throw new MojoExecutionException("zdm lint could not read the migrations: " + ex.getMessage(), ex);
		}
		List<Finding> findings = result.findings();
		Severity failOn = this.settings.failOn();
		List<Finding> failing = findings.stream()
			.filter((finding) -> failOn != null && finding.severity().compareTo(failOn) <= 0)
			.toList();
		for (Finding finding : findings) {
			// A finding that fails the build is logged as an error, so that `mvn -q` still shows it.
			if (finding.severity() == Severity.ERROR || failing.contains(finding)) {
				this.log.error(finding.toCompilerLine());
			}
			else {
				this.log.warn(finding.toCompilerLine());
			}
			if (this.settings.verbose()) {
				this.log.info("    lock: " + finding.lock() + ". " + finding.whyItHurts());
				this.log.info("    safe: " + finding.safeAlternative() + " See " + finding.docs());
			}
		}
		if (this.settings.rehearsal() != null) {
			rehearse(linter, files);
		}
		List<String> lines = TextReport.lines(result);
		String summary = lines.get(lines.size() - 1);
		write(this.settings.textFile(), String.join("\n", lines) + "\n");
		write(this.settings.sarifFile(), SarifReport.toJson(result, version(), this.settings.docsBaseUrl()));
		boolean fails = !failing.isEmpty();
		if (fails) {
			this.log.error(summary);
		}
		else {
			this.log.info(summary);
		}
		return new Outcome(findings, summary, fails, failing);
	}

	/**
	 * Rehearses each plain SQL script on the database, the scripts before it forming the schema, and prints
	 * what each statement that blocks writes or rewrites really did. Changelogs are not rehearsed.
	 */
	private void rehearse(Linter linter, List<Path> files) throws MojoExecutionException {
		LockRehearsal rehearsal = new LockRehearsal(this.settings.rehearsal(), linter);
		StringBuilder schema = new StringBuilder();
		for (Path file : files) {
			if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".sql")) {
				continue;
			}
			String sql = read(file);
			if (sql.stripLeading().toLowerCase(Locale.ROOT).startsWith("--liquibase formatted sql")) {
				continue;
			}
			try {
				for (RehearsedStatement statement : rehearsal.rehearse(schema.toString(), relative(file.toString()), sql)) {
					boolean blocks = statement.locks().stream().map(ObservedLock::mode).anyMatch(LockMode::blocksWrites);
					if (blocks || !statement.rewritten().isEmpty() || statement.note() != null
							|| !statement.findings().isEmpty()) {
						this.log.info("rehearsal " + statement.summary());
					}
				}
			}
			catch (RuntimeException ex) {
				throw new MojoExecutionException("zdm lint could not rehearse " + file + ": " + ex.getMessage(), ex);
			}
			schema.append(sql).append(";\n");
		}
	}

	/** Reports paths relative to the project, with forward slashes, as editors and SARIF viewers expect. */
	private Finding relativized(Finding finding) {
		SourceLocation location = finding.location();
		return new Finding(finding.ruleId(), finding.severity(), finding.message(), finding.lock(),
				finding.whyItHurts(), finding.safeAlternative(), finding.docs(),
				new SourceLocation(relative(location.file()), location.line(), location.column(), location.changeSet()),
				finding.statement());
	}

	private String relative(String file) {
		Path path = Path.of(file);
		Path base = this.settings.basedir().toAbsolutePath().normalize();
		String shown = file;
		if (path.isAbsolute() && path.normalize().startsWith(base)) {
			shown = base.relativize(path.normalize()).toString();
		}
		return shown.replace(File.separatorChar, '/');
	}

	private static String read(Path file) throws MojoExecutionException {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new MojoExecutionException("Could not read " + file + ": " + ex.getMessage(), ex);
		}
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
		String version = MigrationLint.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "dev";
	}

}

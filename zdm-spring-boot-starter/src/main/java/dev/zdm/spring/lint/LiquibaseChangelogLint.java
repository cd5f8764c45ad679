package dev.zdm.spring.lint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import dev.zdm.lint.Finding;
import dev.zdm.lint.LintOptions;
import dev.zdm.lint.LintRun;
import dev.zdm.lint.Linter;
import dev.zdm.lint.SuppressedFinding;
import liquibase.integration.spring.SpringLiquibase;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternUtils;

/**
 * Lints the changesets of a {@link SpringLiquibase}'s changelog that its database has not run yet, as
 * recorded in its changelog table ({@code liquibaseSchema}, {@code databaseChangeLogTable}); every
 * changeset when it drops the schema first.
 */
final class LiquibaseChangelogLint {

	private LiquibaseChangelogLint() {
	}

	/** The report, or null when the changelog does not exist (Liquibase itself then fails start-up). */
	static StartupLintReport lint(SpringLiquibase liquibase, LintOptions options) {
		String location = liquibase.getChangeLog();
		if (location == null) {
			return null;
		}
		ResourceLoader loader = (liquibase.getResourceLoader() != null) ? liquibase.getResourceLoader()
				: new DefaultResourceLoader();
		Resource resource = loader.getResource(location);
		if (!resource.exists()) {
			return null;
		}
		String schema = (liquibase.getLiquibaseSchema() != null) ? liquibase.getLiquibaseSchema()
				: liquibase.getDefaultSchema();
		try (LocalChangelog changelog = LocalChangelog.of(resource, location,
				ResourcePatternUtils.getResourcePatternResolver(loader))) {
			LintRun run = new Linter(options).newRun()
				.selectingChangeSets(liquibase.getContexts(), liquibase.getLabelFilter());
			// dropFirst: Liquibase drops everything first, so every changeset is pending.
			List<Finding> findings = run.lintPendingChangesets(changelog.path(), changelog.classpathRoot(),
					liquibase.isDropFirst() ? null : liquibase.getDataSource(), schema,
					liquibase.getDatabaseChangeLogTable());
			List<StartupLintReport.Item> items = new ArrayList<>();
			for (Finding finding : findings) {
				items.add(new StartupLintReport.Item(changelog.shown(finding), "changeset " + finding.location().changeSet()));
			}
			List<SuppressedFinding> allowed = run.suppressed()
				.stream()
				.map((suppressed) -> new SuppressedFinding(changelog.shown(suppressed.finding()), suppressed.reason(),
						suppressed.inSource()))
				.toList();
			return new StartupLintReport("the pending changesets of Liquibase changelog " + location, "Liquibase", items,
					allowed, run.statements());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("zdm lint could not read Liquibase changelog " + location, ex);
		}
	}

}

package dev.zdm.spring.lint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.zdm.lint.Finding;
import dev.zdm.lint.LintOptions;
import dev.zdm.lint.LintRun;
import dev.zdm.lint.Linter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.Configuration;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Lints the SQL migrations Flyway will run: those its {@code info()} reports pending (or, for a repeatable
 * migration, changed since it ran). The applied ones are read first, without findings, so that the linter
 * knows the tables they created as existing. A script runs in one transaction as Flyway runs it
 * ({@code executeInTransaction}, and outside one when it holds a statement PostgreSQL refuses in a
 * transaction block). Java migrations are not SQL and are not linted.
 */
final class FlywayMigrationsLint {

	private static final Log logger = LogFactory.getLog(FlywayMigrationsLint.class);

	private FlywayMigrationsLint() {
	}

	static StartupLintReport lint(Flyway flyway, LintOptions options, ResourceLoader loader) {
		Configuration configuration = flyway.getConfiguration();
		LintRun run = new Linter(options.withScriptsRunInTransaction(configuration.isExecuteInTransaction())).newRun();
		List<StartupLintReport.Item> items = new ArrayList<>();
		for (MigrationInfo migration : flyway.info().all()) {
			MigrationState state = migration.getState();
			boolean pending = state == MigrationState.PENDING || state == MigrationState.OUTDATED;
			boolean applied = state.isApplied() || state == MigrationState.BELOW_BASELINE;
			if (!pending && !applied) {
				continue;
			}
			if (!"SQL".equals(migration.getType().name())) {
				if (pending) {
					logger.info("zdm lint: Flyway migration " + label(migration) + " is " + migration.getType().name()
							+ ", not SQL: not linted");
				}
				continue;
			}
			Script script = read(configuration, migration, loader);
			if (script == null) {
				if (pending) {
					logger.warn("zdm lint: could not read the script " + migration.getScript() + " of Flyway migration "
							+ label(migration) + ": not linted");
				}
				continue;
			}
			if (pending) {
				for (Finding finding : run.lintSql(script.name(), script.sql())) {
					items.add(new StartupLintReport.Item(finding, "Flyway " + label(migration)));
				}
			}
			else {
				run.learnSql(script.name(), script.sql());
			}
		}
		List<String> locations = new ArrayList<>();
		for (Location location : configuration.getLocations()) {
			locations.add(location.getDescriptor());
		}
		return new StartupLintReport("the pending Flyway migrations of " + String.join(", ", locations), "Flyway", items,
				run.suppressed(), run.statements());
	}

	private static String label(MigrationInfo migration) {
		return (migration.getVersion() != null)
				? "version " + migration.getVersion() + " (" + migration.getDescription() + ")"
				: "repeatable migration '" + migration.getDescription() + "'";
	}

	private record Script(String name, String sql) {
	}

	private static Script read(Configuration configuration, MigrationInfo migration, ResourceLoader loader) {
		Charset encoding = (configuration.getEncoding() != null) ? configuration.getEncoding() : StandardCharsets.UTF_8;
		String script = migration.getScript();
		try {
			for (Location location : configuration.getLocations()) {
				String prefix = location.isClassPath() ? "classpath:" : location.isFileSystem() ? "file:" : null;
				if (prefix == null || location.getPath().contains("*")) {
					continue;
				}
				String path = location.getPath().endsWith("/") ? location.getPath() : location.getPath() + "/";
				Resource resource = loader.getResource(prefix + path + script);
				if (resource.exists() && resource.isReadable()) {
					try (InputStream in = resource.getInputStream()) {
						String name = (location.isClassPath() ? "classpath:" : "") + path + script;
						return new Script(name, replacePlaceholders(configuration, new String(in.readAllBytes(), encoding)));
					}
				}
			}
			String physical = migration.getPhysicalLocation();
			if (physical != null && !physical.isBlank() && Files.isRegularFile(Path.of(physical))) {
				return new Script(physical, replacePlaceholders(configuration, Files.readString(Path.of(physical), encoding)));
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("zdm lint: could not read " + script, ex);
		}
		return null;
	}

	/** Flyway's placeholders as Flyway replaces them, so that the linter reads the SQL that runs. */
	private static String replacePlaceholders(Configuration configuration, String sql) {
		if (!configuration.isPlaceholderReplacement()) {
			return sql;
		}
		Map<String, String> values = new LinkedHashMap<>(configuration.getPlaceholders());
		String schema = (configuration.getDefaultSchema() != null) ? configuration.getDefaultSchema()
				: (configuration.getSchemas().length > 0) ? configuration.getSchemas()[0] : null;
		if (schema != null) {
			values.putIfAbsent("flyway:defaultSchema", schema);
		}
		values.putIfAbsent("flyway:table", configuration.getTable());
		String result = sql;
		for (Map.Entry<String, String> value : values.entrySet()) {
			if (value.getValue() != null) {
				result = result.replace(configuration.getPlaceholderPrefix() + value.getKey()
						+ configuration.getPlaceholderSuffix(), value.getValue());
			}
		}
		return result;
	}

}

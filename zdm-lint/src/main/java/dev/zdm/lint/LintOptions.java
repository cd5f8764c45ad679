package dev.zdm.lint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to lint.
 *
 * @param postgresVersion the major version of the production server (10 to 18); rules that changed across
 * versions judge against it
 * @param scriptsRunInTransaction whether a plain SQL file runs as one transaction (Flyway's default) rather
 * than statement by statement (psql's)
 * @param allowUnsafe rules allowed everywhere in this run, each with the reason why (a plan's
 * {@code allowUnsafe} entries)
 */
public record LintOptions(int postgresVersion, boolean scriptsRunInTransaction, Map<String, String> allowUnsafe) {

	/** The version assumed when none is given: the oldest major version still supported by the community. */
	public static final int DEFAULT_POSTGRES_VERSION = 14;

	public LintOptions {
		if (postgresVersion < 10 || postgresVersion > 18) {
			throw new IllegalArgumentException(
					"Unsupported PostgreSQL version " + postgresVersion + ": the linter knows versions 10 to 18");
		}
		allowUnsafe.forEach((rule, reason) -> {
			if (reason == null || reason.isBlank()) {
				throw new IllegalArgumentException("allowUnsafe entry for " + rule
						+ " has no reason: say why the statement is safe here, e.g. 'table has 20 rows'");
			}
		});
		allowUnsafe = Map.copyOf(allowUnsafe);
	}

	/** PostgreSQL 14, statement by statement, nothing allowed. */
	public static LintOptions defaults() {
		return new LintOptions(DEFAULT_POSTGRES_VERSION, false, Map.of());
	}

	/** These options for another target major version (10 to 18). */
	public LintOptions withPostgresVersion(int version) {
		return new LintOptions(version, this.scriptsRunInTransaction, this.allowUnsafe);
	}

	/** These options with plain SQL scripts taken to run as one transaction each (or not). */
	public LintOptions withScriptsRunInTransaction(boolean inTransaction) {
		return new LintOptions(this.postgresVersion, inTransaction, this.allowUnsafe);
	}

	/** Allows a rule everywhere in the run; the reason is mandatory. */
	public LintOptions allowing(String ruleId, String reason) {
		Map<String, String> allowed = new LinkedHashMap<>(this.allowUnsafe);
		allowed.put(ruleId, reason);
		return new LintOptions(this.postgresVersion, this.scriptsRunInTransaction, allowed);
	}

}

package dev.zdm.lint;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LinterTests {

	@Test
	void findingCarriesLockWhyAlternativeDocsAndPosition() {
		List<Finding> findings = new Linter().lintSql("migration.sql",
				"SET lock_timeout = '1s';\n\n   CREATE INDEX idx ON orders (customer_id);");
		assertThat(findings).hasSize(1);
		Finding finding = findings.get(0);
		assertThat(finding.ruleId()).isEqualTo("ZDM001");
		assertThat(finding.severity()).isEqualTo(Severity.ERROR);
		assertThat(finding.lock()).isEqualTo("SHARE on table orders");
		assertThat(finding.whyItHurts()).contains("Blocks every INSERT, UPDATE and DELETE");
		assertThat(finding.safeAlternative()).contains("createIndex").contains("CONCURRENTLY");
		assertThat(finding.docs()).isEqualTo("docs/lint-rules.md#zdm001");
		assertThat(finding.location()).isEqualTo(SourceLocation.of("migration.sql", 3, 4));
		assertThat(finding.statement()).isEqualTo("CREATE INDEX idx ON orders (customer_id)");
		assertThat(finding.toCompilerLine()).isEqualTo("migration.sql:3:4: ZDM001: CREATE INDEX on existing table orders"
				+ " without CONCURRENTLY blocks writes during the build");
	}

	@Test
	void actionFindingsPointAtTheAction() {
		List<Finding> findings = new Linter().lintSql("m.sql",
				"SET lock_timeout = '1s';\nALTER TABLE users\n  ADD COLUMN a text,\n  ALTER COLUMN b SET NOT NULL;");
		assertThat(findings).extracting((f) -> f.ruleId() + "@" + f.location().line() + ":" + f.location().column())
			.containsExactly("ZDM007@4:3");
	}

	@Test
	void statementsAreLintedAsOneUnit() {
		List<Finding> findings = new Linter().lintStatements(
				List.of("CREATE TABLE t (id bigint PRIMARY KEY, v text)", "CREATE INDEX ON t (v)", "DROP INDEX gone"));
		assertThat(findings).extracting(Finding::ruleId).containsExactly("ZDM002", "ZDM022");
	}

	@Test
	void rulesHaveStableUniqueIdsAndCompleteDescriptions() {
		List<Rule> rules = Linter.rules();
		assertThat(rules).hasSizeGreaterThanOrEqualTo(30);
		assertThat(rules).extracting(Rule::id).doesNotHaveDuplicates().allMatch((id) -> id.matches("ZDM\\d{3}"));
		assertThat(rules).allSatisfy((rule) -> {
			assertThat(rule.title()).isNotBlank();
			assertThat(rule.lock()).isNotBlank();
			assertThat(rule.whyItHurts()).isNotBlank();
			assertThat(rule.safeAlternative()).isNotBlank();
		});
		assertThat(rules).filteredOn((rule) -> List.of("ZDM001", "ZDM005", "ZDM007", "ZDM008", "ZDM015", "ZDM016", "ZDM018")
			.contains(rule.id()))
			.extracting(Rule::safeAlternative)
			.anySatisfy((text) -> assertThat(text).contains("createIndex"))
			.anySatisfy((text) -> assertThat(text).contains("addForeignKey"))
			.anySatisfy((text) -> assertThat(text).contains("setNotNull"))
			.anySatisfy((text) -> assertThat(text).contains("addUniqueConstraint"))
			.anySatisfy((text) -> assertThat(text).contains("changeColumnType"))
			.anySatisfy((text) -> assertThat(text).contains("renameColumn"))
			.anySatisfy((text) -> assertThat(text).contains("dropColumn"));
	}

	@Test
	void allowUnsafeNeedsAReasonAndSuppressesEverywhere() {
		assertThatIllegalArgumentException().isThrownBy(() -> LintOptions.defaults().allowing("ZDM001", " "))
			.withMessageContaining("allowUnsafe entry for ZDM001 has no reason");
		Linter linter = new Linter(LintOptions.defaults().allowing("ZDM001", "tables are tiny in this plan")
			.allowing("ZDM022", "plan runs with zdm's lock_timeout"));
		assertThat(linter.lintSql("CREATE INDEX a ON orders (x); CREATE INDEX b ON users (y);")).isEmpty();
	}

	@Test
	void unsupportedVersionIsRejectedWithTheRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> LintOptions.defaults().withPostgresVersion(9))
			.withMessage("Unsupported PostgreSQL version 9: the linter knows versions 10 to 18");
	}

	@Test
	void concurrentlyInAnExplicitTransactionStillFailsUnderFlyway() {
		Linter flyway = new Linter(LintOptions.defaults().withScriptsRunInTransaction(true));
		assertThat(flyway.lintSql("BEGIN;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON orders (x);\nCOMMIT;"))
			.extracting(Finding::ruleId).containsExactly("ZDM004");
	}

	@Test
	void laterFilesKnowColumnTypesFromEarlierOnesButDoNotTreatTheirTablesAsNew() {
		LintRun run = new Linter().newRun();
		assertThat(run.lintSql("V1.sql", "CREATE TABLE notes (id bigint PRIMARY KEY, body varchar(100));")).isEmpty();
		assertThat(run.lintSql("V2.sql", "SET lock_timeout = '1s'; ALTER TABLE notes ALTER COLUMN body TYPE text;"
				+ " CREATE INDEX ON notes (body);"))
			.extracting(Finding::ruleId).containsExactly("ZDM001");
	}

	@Test
	void directoriesAreLintedInMigrationOrder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
		java.nio.file.Files.writeString(dir.resolve("V10__index.sql"), "SET lock_timeout = '1s'; CREATE INDEX ON notes (body);");
		java.nio.file.Files.writeString(dir.resolve("V9__notes.sql"), "CREATE TABLE notes (id bigint PRIMARY KEY, body text);");
		java.nio.file.Files.writeString(dir.resolve("README.xml"), "<notes/>");
		assertThat(Linter.expand(List.of(dir))).extracting((path) -> path.getFileName().toString())
			.containsExactly("V9__notes.sql", "V10__index.sql");
		assertThat(new Linter().lintPaths(List.of(dir))).extracting((f) -> f.ruleId() + " " + java.nio.file.Path.of(f.location().file()).getFileName())
			.containsExactly("ZDM001 V10__index.sql");
	}


	@Test
	void reindexSystemIsNotToldToUseConcurrentlyWhichPostgresqlRefusesForCatalogs() {
		List<Finding> findings = new Linter().lintSql("SET lock_timeout = '1s'; REINDEX SYSTEM shop;");
		assertThat(findings).extracting(Finding::ruleId).containsExactly("ZDM003");
		assertThat(findings.get(0).message()).doesNotContain("use REINDEX").contains("cannot be reindexed CONCURRENTLY");
	}

	@Test
	void flywayRunsAScriptWithANonTransactionalStatementOutsideATransaction() {
		Linter flyway = new Linter(LintOptions.defaults().withScriptsRunInTransaction(true));
		assertThat(flyway.lintSql("V2__index.sql", "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_status ON orders (status);"))
			.isEmpty();
		assertThat(flyway.lintSql("V3__vacuum.sql", "VACUUM orders;\nREINDEX TABLE CONCURRENTLY orders;")).isEmpty();
		// Flyway refuses (mixed=false) a script that also holds a statement it would run in a transaction.
		List<Finding> mixed = flyway.lintSql("V5__index.sql",
				"SET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_total ON orders (total);");
		assertThat(mixed).extracting(Finding::ruleId).containsExactly("ZDM047");
		assertThat(mixed.get(0).location().line()).isEqualTo(2);
		// Without one, the script is one transaction: a second ACCESS EXCLUSIVE waits while the first is held.
		assertThat(flyway.lintSql("V4__two.sql", "SET lock_timeout = '1s';\nALTER TABLE orders ADD COLUMN a text;\n"
				+ "ALTER TABLE users ADD COLUMN b text;")).extracting(Finding::ruleId).containsExactly("ZDM021");
	}

}

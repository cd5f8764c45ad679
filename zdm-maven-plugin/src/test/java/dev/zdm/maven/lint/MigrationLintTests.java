package dev.zdm.maven.lint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.zdm.lint.Finding;
import dev.zdm.lint.LintOptions;
import dev.zdm.lint.Severity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationLintTests {

	@TempDir
	Path project;

	private final CapturingLog log = new CapturingLog();

	@BeforeEach
	void migrations() throws Exception {
		Files.createDirectories(this.project.resolve("db"));
		Files.writeString(this.project.resolve("db/V1__orders.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY, note text);");
		Files.writeString(this.project.resolve("db/V2__orders_note.sql"),
				"SET lock_timeout = '1s';\nALTER TABLE orders ADD COLUMN data json;\n");
	}

	@Test
	void warningsFailTheBuildByDefaultWithCompilerStyleLinesAndReports() throws Exception {
		MigrationLint.Outcome outcome = run(Severity.WARNING, false);
		assertThat(outcome.fails()).isTrue();
		assertThat(this.log.lines).containsExactly(
				"[ERROR] db/V2__orders_note.sql:2:31: ZDM029: Column data is json; use jsonb",
				"[ERROR] zdm lint: 1 finding (0 errors, 1 warning) in 2 files");
		assertThat(Files.readAllLines(this.project.resolve("target/zdm-lint.txt"))).containsExactly(
				"db/V2__orders_note.sql:2:31: ZDM029: Column data is json; use jsonb",
				"zdm lint: 1 finding (0 errors, 1 warning) in 2 files");
		assertThat(Files.readString(this.project.resolve("target/zdm-lint.sarif")))
			.contains("\"ruleId\": \"ZDM029\"", "\"uri\": \"db/V2__orders_note.sql\"", "\"startLine\": 2");
	}

	@Test
	void failOnErrorLetsWarningsPassAndVerbosePrintsTheAlternative() throws Exception {
		MigrationLint.Outcome outcome = run(Severity.ERROR, true);
		assertThat(outcome.fails()).isFalse();
		assertThat(this.log.lines).contains("[INFO]     safe: Declare the column jsonb. See docs/lint-rules.md#zdm029",
				"[INFO] zdm lint: 1 finding (0 errors, 1 warning) in 2 files");
	}

	@Test
	void theFailureMessageListsTheFindingsThatFailTheBuildForMvnQuiet() throws Exception {
		MigrationLint.Outcome outcome = run(Severity.WARNING, false);
		assertThat(outcome.failureMessage()).isEqualTo("zdm lint: 1 finding (0 errors, 1 warning) in 2 files:\n"
				+ "  db/V2__orders_note.sql:2:31: ZDM029: Column data is json; use jsonb\n"
				+ "Fix the statements, or allow one with '-- zdm:allow <RULE-ID> <reason>' (see docs/lint-rules.md)");
	}

	@Test
	void failOnNoneLintsAChangelogWithACustomChangeWhoseClassIsMissing() throws Exception {
		Files.writeString(this.project.resolve("db/V3__changelog.xml"), """
				<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
				    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
				    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.9.xsd">
				    <changeSet author="ann" id="java">
				        <customChange class="com.example.AddRealmCodeSecret"/>
				    </changeSet>
				    <changeSet author="ann" id="index">
				        <createIndex tableName="orders" indexName="idx_orders_note"><column name="note"/></createIndex>
				    </changeSet>
				</databaseChangeLog>
				""");
		MigrationLint.Outcome outcome = run(null, false);
		assertThat(outcome.fails()).isFalse();
		assertThat(outcome.findings()).extracting(Finding::ruleId).contains("ZDM048", "ZDM001");
	}

	private MigrationLint.Outcome run(Severity failOn, boolean verbose) throws Exception {
		MigrationLint.Settings settings = new MigrationLint.Settings(this.project, List.of(this.project.resolve("db")),
				LintOptions.defaults(), failOn, this.project.resolve("target/zdm-lint.txt").toFile(),
				this.project.resolve("target/zdm-lint.sarif").toFile(), verbose, null, null);
		return new MigrationLint(settings, this.log).run();
	}

}

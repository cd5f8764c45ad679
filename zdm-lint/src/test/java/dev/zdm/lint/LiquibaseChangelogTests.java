package dev.zdm.lint;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiquibaseChangelogTests {

	@Test
	void lintsXmlYamlAndFormattedSqlChangelogsWithFileChangesetAndLine() throws Exception {
		Path dir = directory();
		List<Finding> findings = new Linter().lintPaths(List.of(dir.resolve("001-create-orders.xml"),
				dir.resolve("002-orders.yaml"), dir.resolve("003-orders.sql")));
		assertThat(findings).extracting(this::summary).containsExactly(
				"002-orders.yaml:2:3 ZDM001 add-status-index::bob",
				"002-orders.yaml:2:3 ZDM022 add-status-index::bob",
				"002-orders.yaml:12:3 ZDM007 status-not-null::bob",
				"003-orders.sql:4:20 ZDM005 fk-customer::carol",
				"003-orders.sql:4:1 ZDM022 fk-customer::carol",
				"003-orders.sql:11:5 ZDM004 index-in-transaction::carol");
	}

	@Test
	void masterChangelogReportsTheIncludedFiles() throws Exception {
		Path dir = directory();
		List<Finding> findings = new Linter().lintPaths(List.of(dir.resolve("master.xml")));
		assertThat(findings).extracting(this::summary).containsExactly(
				"002-orders.yaml:2:3 ZDM001 add-status-index::bob",
				"002-orders.yaml:2:3 ZDM022 add-status-index::bob",
				"002-orders.yaml:12:3 ZDM007 status-not-null::bob",
				"003-orders.sql:4:20 ZDM005 fk-customer::carol",
				"003-orders.sql:4:1 ZDM022 fk-customer::carol",
				"003-orders.sql:11:5 ZDM004 index-in-transaction::carol");
	}

	@Test
	void lintsWhatLiquibaseGeneratesForChangeTypes() throws Exception {
		Path dir = directory();
		List<Finding> findings = new Linter().lintPaths(List.of(dir.resolve("002-orders.yaml")));
		Finding index = findings.get(0);
		assertThat(index.statement()).containsIgnoringCase("CREATE INDEX idx_orders_status ON").contains("orders");
		assertThat(index.location().file()).endsWith("002-orders.yaml");
		assertThat(index.lock()).isEqualTo("SHARE on table orders");
		assertThat(findings).extracting(Finding::ruleId).doesNotContain("ZDM015");
	}

	@Test
	void aDirectoryIsLintedInFileNameOrderWithoutLintingIncludedChangesetsTwice() throws Exception {
		List<Finding> findings = new Linter().lintPaths(List.of(directory()));
		assertThat(findings).extracting(this::summary).containsExactly(
				"002-orders.yaml:2:3 ZDM001 add-status-index::bob",
				"002-orders.yaml:2:3 ZDM022 add-status-index::bob",
				"002-orders.yaml:12:3 ZDM007 status-not-null::bob",
				"003-orders.sql:4:20 ZDM005 fk-customer::carol",
				"003-orders.sql:4:1 ZDM022 fk-customer::carol",
				"003-orders.sql:11:5 ZDM004 index-in-transaction::carol");
	}

	@Test
	void lintsJsonChangelogs() throws Exception {
		Path json = Path.of(getClass().getResource("/lint/liquibase-json/changelog.json").toURI());
		List<Finding> findings = new Linter(LintOptions.defaults().allowing("ZDM022", "tested elsewhere"))
			.lintPaths(List.of(json));
		assertThat(findings).extracting(this::summary).containsExactly(
				"changelog.json:4:7 ZDM011 payments-token::erin", "changelog.json:20:7 ZDM018 payments-drop-legacy::erin");
		assertThat(findings.get(0).statement()).contains("ADD token UUID DEFAULT gen_random_uuid()");
	}

	@Test
	void changesetWithAChangeLiquibaseDoesNotKnowIsReportedNotSkipped(@org.junit.jupiter.api.io.TempDir Path dir)
			throws Exception {
		Path unknown = java.nio.file.Files.writeString(dir.resolve("unknown.yaml"),
				"databaseChangeLog:\n  - changeSet:\n      id: x\n      author: fay\n      changes:\n        - frobnicate: {}\n");
		assertThat(new Linter().lintPaths(List.of(unknown))).extracting(this::summary, Finding::message)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("unknown.yaml:2:3 ZDM000 x::fay",
					"Liquibase found no change it knows in changeset x (unknown change type?): nothing was linted"));
	}

	@Test
	void unreadableChangelogIsAnErrorNamingTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
		Path invalid = java.nio.file.Files.writeString(dir.resolve("invalid.yaml"), "databaseChangeLog: [ {{ ");
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new Linter().lintPaths(List.of(invalid)))
			.withMessageContaining("invalid.yaml");
	}

	@Test
	void eachLiquibaseChangeTypeIsJudgedByTheSqlItGenerates() throws Exception {
		Path changes = Path.of(getClass().getResource("/lint/liquibase-change-types/changes.yaml").toURI());
		List<Finding> findings = new Linter(LintOptions.defaults().allowing("ZDM022", "tested elsewhere"))
			.lintPaths(List.of(changes));
		assertThat(findings).extracting((f) -> f.ruleId() + " " + f.statement()).containsExactly(
				"ZDM005 ALTER TABLE orders ADD CONSTRAINT fk2 FOREIGN KEY (customer_id) REFERENCES customers (id)",
				"ZDM008 ALTER TABLE users ADD CONSTRAINT uq1 UNIQUE (email)",
				"ZDM009 ALTER TABLE users ADD CONSTRAINT pk1 PRIMARY KEY (id)",
				"ZDM016 ALTER TABLE users RENAME COLUMN a TO b",
				"ZDM017 ALTER TABLE users RENAME TO people",
				"ZDM018 ALTER TABLE people DROP COLUMN c",
				"ZDM015 ALTER TABLE orders ALTER COLUMN note TYPE BIGINT USING (note::BIGINT)",
				"ZDM021 ALTER TABLE orders ALTER COLUMN note TYPE BIGINT USING (note::BIGINT)",
				"ZDM028 UPDATE orders SET note = '0' WHERE note IS NULL",
				"ZDM007 ALTER TABLE orders ALTER COLUMN  note SET NOT NULL",
				"ZDM002 DROP INDEX idx1",
				"ZDM021 DROP INDEX idx1",
				"ZDM001 CREATE UNIQUE INDEX idx2 ON orders(note)",
				"ZDM029 ALTER TABLE orders ADD data JSON",
				"ZDM019 DROP TABLE junk",
				"ZDM021 DROP TABLE junk",
				"ZDM020 ALTER TABLE orders ALTER COLUMN  x DROP NOT NULL",
				"ZDM007 ALTER TABLE orders ALTER COLUMN  id SET NOT NULL",
				"ZDM028 DELETE FROM orders",
				"ZDM019 DROP TABLE customers");
	}

	@Test
	void sqlFileChangesAndInlineSqlAreLintedAndChangesetCommentsSuppress() throws Exception {
		Path changelog = Path.of(getClass().getResource("/lint/liquibase-sqlfile/changelog.xml").toURI());
		List<Finding> findings = new Linter().lintPaths(List.of(changelog));
		assertThat(findings).extracting(this::summary).containsExactly(
				"changelog.xml:6:5 ZDM033 accounts-from-file::gus", "changelog.xml:6:5 ZDM033 accounts-from-file::gus",
				"changelog.xml:13:34 ZDM016 accounts-inline::gus");
		assertThat(findings.get(0).message()).startsWith("CREATE INDEX CONCURRENTLY without IF NOT EXISTS");
		assertThat(findings.get(1).message()).startsWith("ADD COLUMN score without IF NOT EXISTS");
	}

	private String summary(Finding finding) {
		SourceLocation location = finding.location();
		return Path.of(location.file()).getFileName() + ":" + location.line() + ":" + location.column() + " "
				+ finding.ruleId() + " " + location.changeSet();
	}

	private static Path directory() throws URISyntaxException {
		return Path.of(LiquibaseChangelogTests.class.getResource("/lint/liquibase/master.xml").toURI()).getParent();
	}


	@Test
	void aCustomChangeIsReportedAtItsChangesetAndTheRestIsLinted() throws Exception {
		List<Finding> findings = new Linter().lintPaths(List.of(realWorld().resolve("master.xml")));
		assertThat(findings).filteredOn((f) -> f.location().changeSet().equals("java-change::ann"))
			.extracting(Finding::ruleId).containsExactlyInAnyOrder("ZDM048", "ZDM001", "ZDM022");
		Finding java = findings.stream().filter((f) -> f.ruleId().equals("ZDM048")).findFirst().orElseThrow();
		assertThat(java.message()).contains("customChange com.example.migration.NotOnTheLintersClasspath");
		assertThat(java.location().line()).isEqualTo(5);
	}

	@Test
	void changesetsWhosePreconditionsKeepThemOffPostgresqlAreNotLinted() throws Exception {
		List<Finding> findings = new Linter().lintPaths(List.of(realWorld().resolve("master.xml")));
		assertThat(findings).extracting((f) -> f.location().changeSet() + " " + f.ruleId())
			.doesNotContain("mssql-only::ann ZDM001", "mssql-constraint::bob ZDM018")
			.contains("not-oracle-and-not-mysql::ann ZDM018", "depends-on-the-data::ann ZDM019",
					"warn-only::ann ZDM016", "oracle-halts::ann ZDM000", "everywhere::bob ZDM007")
			.doesNotContain("oracle-halts::ann ZDM019", "emptied-on-purpose::ann ZDM000");
	}

	@Test
	void findingsNameThePhysicalFileNotItsLogicalFilePath() throws Exception {
		Path master = realWorld().resolve("master.xml");
		LintResult result = new Linter().check(List.of(master));
		assertThat(result.findings()).filteredOn((f) -> f.location().changeSet().equals("everywhere::bob"))
			.isNotEmpty()
			.allSatisfy((f) -> assertThat(Path.of(f.location().file())).exists().endsWith(Path.of("META-INF", "changes-1-mssql.xml")));
		assertThat(SarifReport.toJson(result, "test", null)).contains("changes-1-mssql.xml").doesNotContain("mssql-changes-1.xml");
	}

	private static Path realWorld() throws URISyntaxException {
		return Path.of(LiquibaseChangelogTests.class.getResource("/lint/liquibase-real-world/META-INF/master.xml").toURI())
			.getParent();
	}

}

package dev.zdm.lint;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTests {

	private final List<Finding> findings = new Linter().lintSql("db/V2__orders.sql",
			"SET lock_timeout = '1s';\nCREATE INDEX i ON orders (x);\nALTER TABLE users ADD COLUMN j json;");

	@Test
	void textHasOneCompilerStyleLinePerFindingAndASummary() {
		assertThat(TextReport.lines(this.findings, 1)).containsExactly(
				"db/V2__orders.sql:2:1: ZDM001: CREATE INDEX on existing table orders without CONCURRENTLY blocks writes"
						+ " during the build",
				"db/V2__orders.sql:3:30: ZDM029: Column j is json; use jsonb",
				"zdm lint: 2 findings (1 error, 1 warning) in 1 file");
		assertThat(TextReport.summary(List.of(), 3)).isEqualTo("zdm lint: no findings in 3 files");
	}

	@Test
	void sarifIsAValid210LogWithRulesAndLocatedResults() {
		JsonNode sarif = JsonMapper.builder().build().readTree(SarifReport.toJson(this.findings, "0.1.0"));
		assertThat(sarif.get("version").asString()).isEqualTo("2.1.0");
		assertThat(sarif.get("$schema").asString()).endsWith("sarif-2.1.0.json");
		JsonNode run = sarif.get("runs").get(0);
		JsonNode driver = run.get("tool").get("driver");
		assertThat(driver.get("name").asString()).isEqualTo("zdm-lint");
		assertThat(driver.get("rules").size()).isEqualTo(Linter.rules().size());
		JsonNode results = run.get("results");
		assertThat(results.size()).isEqualTo(2);
		JsonNode first = results.get(0);
		assertThat(first.get("ruleId").asString()).isEqualTo("ZDM001");
		assertThat(first.get("level").asString()).isEqualTo("error");
		assertThat(driver.get("rules").get(first.get("ruleIndex").asInt()).get("id").asString()).isEqualTo("ZDM001");
		JsonNode location = first.get("locations").get(0).get("physicalLocation");
		assertThat(location.get("artifactLocation").get("uri").asString()).isEqualTo("db/V2__orders.sql");
		assertThat(location.get("region").get("startLine").asInt()).isEqualTo(2);
		assertThat(location.get("region").get("startColumn").asInt()).isEqualTo(1);
		assertThat(first.get("message").get("text").asString()).contains("createIndex");
		assertThat(first.get("properties").get("lock").asString()).isEqualTo("SHARE on table orders");
		assertThat(results.get(1).get("level").asString()).isEqualTo("warning");
		assertThat(driver.get("rules").get(1).has("helpUri")).isFalse();
		assertThat(driver.get("rules").get(1).get("help").get("text").asString()).endsWith("See docs/lint-rules.md#zdm001.");
	}

	@Test
	void helpUriIsAbsoluteWhenADocsBaseIsGiven() {
		JsonNode sarif = JsonMapper.builder().build()
			.readTree(SarifReport.toJson(this.findings, "0.1.0", "https://example.org/zdm/docs"));
		JsonNode rule = sarif.get("runs").get(0).get("tool").get("driver").get("rules").get(1);
		assertThat(rule.get("id").asString()).isEqualTo("ZDM001");
		assertThat(rule.get("helpUri").asString()).isEqualTo("https://example.org/zdm/docs/lint-rules.md#zdm001");
	}

	@Test
	void sarifEscapesQuotesNewlinesAndControlCharacters() {
		List<Finding> tricky = new Linter().lintSql("a \"quoted\"\\path.sql", "FROB\t'x\ny';");
		JsonNode sarif = JsonMapper.builder().build().readTree(SarifReport.toJson(tricky, "0.1.0"));
		JsonNode result = sarif.get("runs").get(0).get("results").get(0);
		assertThat(result.get("properties").get("statement").asString()).isEqualTo("FROB\t'x\ny'");
		assertThat(result.get("locations").get(0).get("physicalLocation").get("artifactLocation").get("uri").asString())
			.isEqualTo("a \"quoted\"/path.sql");
	}

	@Test
	void suppressedFindingsAreCountedAndCarryTheirJustificationInSarif(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
			throws Exception {
		java.nio.file.Path script = java.nio.file.Files.writeString(dir.resolve("V3__users.sql"),
				"SET lock_timeout = '1s';\n-- zdm:allow ZDM016 view users_v1 keeps the old name\n"
						+ "ALTER TABLE users RENAME COLUMN email TO mail;\nDROP INDEX idx_users_mail;\n");
		LintResult result = new Linter(LintOptions.defaults().allowing("ZDM002", "index unused, 12 rows"))
			.check(List.of(script));
		assertThat(result.findings()).isEmpty();
		assertThat(result.suppressed()).extracting((s) -> s.finding().ruleId() + " " + s.inSource() + " " + s.reason())
			.containsExactly("ZDM016 true view users_v1 keeps the old name", "ZDM002 false index unused, 12 rows");
		assertThat(TextReport.lines(result)).containsExactly("zdm lint: no findings in 1 file (2 suppressed with a reason)");
		JsonNode results = JsonMapper.builder().build().readTree(SarifReport.toJson(result, "0.1.0", null))
			.get("runs").get(0).get("results");
		assertThat(results.size()).isEqualTo(2);
		assertThat(results.get(0).get("suppressions").get(0).get("kind").asString()).isEqualTo("inSource");
		assertThat(results.get(0).get("suppressions").get(0).get("justification").asString())
			.isEqualTo("view users_v1 keeps the old name");
		assertThat(results.get(1).get("suppressions").get(0).get("kind").asString()).isEqualTo("external");
	}

}

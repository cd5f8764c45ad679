package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Findings as a SARIF 2.1.0 log, the format code-scanning UIs (GitHub, GitLab, Azure DevOps) import: one run
 * of the tool {@code zdm-lint} whose driver lists every rule (with its lock, why and safe alternative as
 * help), and one result per finding with its file, line, column and, for Liquibase, its changeset.
 */
public final class SarifReport {

	private static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

	private SarifReport() {
	}

	/**
	 * The SARIF document, rules without {@code helpUri} (SARIF wants an absolute URI there; the docs anchor is
	 * in each rule's help text).
	 * @param findings the findings, their {@link SourceLocation#file()} used as artifact URI (relative paths
	 * with forward slashes are what code-scanning UIs resolve against the repository)
	 * @param toolVersion the zdm version
	 */
	public static String toJson(List<Finding> findings, String toolVersion) {
		return toJson(findings, toolVersion, null);
	}

	/**
	 * The SARIF document.
	 * @param findings the findings, their {@link SourceLocation#file()} used as artifact URI
	 * @param toolVersion the zdm version
	 * @param docsBaseUri absolute URI of the directory holding {@code lint-rules.md} (e.g. the repository's
	 * {@code docs/} folder on its web host), used for each rule's {@code helpUri}; null for none
	 */
	public static String toJson(List<Finding> findings, String toolVersion, String docsBaseUri) {
		return toJson(new LintResult(findings, List.of(), 0), toolVersion, docsBaseUri);
	}

	/**
	 * The SARIF document of a lint result: its findings, and its suppressed findings as results carrying a
	 * SARIF {@code suppressions} entry with the suppression's reason as justification, so that code-scanning
	 * UIs list what was allowed and why.
	 * @param result the lint result
	 * @param toolVersion the zdm version
	 * @param docsBaseUri absolute URI of the directory holding {@code lint-rules.md}, or null
	 */
	public static String toJson(LintResult result, String toolVersion, String docsBaseUri) {
		List<Rule> rules = Linter.rules();
		List<String> ids = new ArrayList<>();
		rules.forEach((rule) -> ids.add(rule.id()));
		JsonText json = new JsonText().beginObject().member("$schema", SCHEMA).member("version", "2.1.0");
		json.name("runs").beginArray().beginObject();
		json.name("tool").beginObject().name("driver").beginObject();
		json.member("name", "zdm-lint").member("version", toolVersion);
		json.name("rules").beginArray();
		for (Rule rule : rules) {
			json.beginObject().member("id", rule.id()).member("name", pascalCase(rule.title()));
			json.name("shortDescription").beginObject().member("text", rule.title()).endObject();
			json.name("fullDescription").beginObject().member("text", rule.whyItHurts()).endObject();
			if (docsBaseUri != null && !docsBaseUri.isBlank()) {
				String base = docsBaseUri.endsWith("/") ? docsBaseUri : docsBaseUri + "/";
				json.member("helpUri", base + rule.docs().substring("docs/".length()));
			}
			json.name("help").beginObject()
				.member("text", "Lock: " + rule.lock() + ". " + rule.whyItHurts() + " Safe alternative: "
						+ rule.safeAlternative() + " See " + rule.docs() + ".")
				.endObject();
			json.name("defaultConfiguration").beginObject().member("level", level(rule.severity())).endObject();
			json.endObject();
		}
		json.endArray().endObject().endObject();
		json.name("results").beginArray();
		for (Finding finding : result.findings()) {
			result(json, ids, finding, null);
		}
		for (SuppressedFinding suppressed : result.suppressed()) {
			result(json, ids, suppressed.finding(), suppressed);
		}
		json.endArray().endObject().endArray().endObject();
		return json + "\n";
	}

	private static void result(JsonText json, List<String> ids, Finding finding, SuppressedFinding suppressed) {
		json.beginObject().member("ruleId", finding.ruleId()).member("ruleIndex", ids.indexOf(finding.ruleId()))
			.member("level", level(finding.severity()));
		json.name("message").beginObject()
			.member("text", finding.message() + ". Safe alternative: " + finding.safeAlternative())
			.endObject();
		json.name("locations").beginArray().beginObject().name("physicalLocation").beginObject();
		json.name("artifactLocation").beginObject().member("uri", finding.location().file().replace('\\', '/')).endObject();
		if (finding.location().line() > 0) {
			json.name("region").beginObject().member("startLine", finding.location().line())
				.member("startColumn", Math.max(1, finding.location().column()))
				.endObject();
		}
		json.endObject().endObject().endArray();
		if (suppressed != null) {
			json.name("suppressions").beginArray().beginObject()
				.member("kind", suppressed.inSource() ? "inSource" : "external")
				.member("justification", suppressed.reason())
				.endObject().endArray();
		}
		json.name("properties").beginObject().member("lock", finding.lock()).member("docs", finding.docs())
			.member("statement", finding.statement());
		if (finding.location().changeSet() != null) {
			json.member("changeSet", finding.location().changeSet());
		}
		json.endObject().endObject();
	}

	private static String level(Severity severity) {
		return (severity == Severity.ERROR) ? "error" : "warning";
	}

	private static String pascalCase(String title) {
		StringBuilder name = new StringBuilder();
		for (String word : title.split("[^A-Za-z0-9]+")) {
			if (!word.isEmpty()) {
				name.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1).toLowerCase(Locale.ROOT));
			}
		}
		return name.toString();
	}

}

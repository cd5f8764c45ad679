package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.plan.Sql;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sql.SqlFragment;
import dev.zdm.lint.Finding;
import dev.zdm.lint.LintOptions;
import dev.zdm.lint.LintRun;
import dev.zdm.lint.Linter;
import dev.zdm.lint.Rule;
import dev.zdm.lint.SqlReferences;
import dev.zdm.lint.SuppressedFinding;

/**
 * {@code sql {phase, statements, rollback?, allowUnsafe?, table?}}: raw statements for what no operation
 * covers. They run in one transaction under zdm's lock and statement timeouts (retried when a lock is not
 * granted), committed with the record that they ran: in the operation's expand step ({@code phase:
 * expand}) or its contract step ({@code phase: contract}). A rollback runs {@code rollback} once expand
 * ran them; a contract-phase operation has nothing to undo before contract, and nothing is undone after.
 * <p>
 * Validation lints the statements (and the rollback's, after them) with zdm's linter as zdm runs them: in a
 * transaction, after {@code SET lock_timeout}, for the server's major version. Every finding refuses the
 * plan, naming the rule and the statement with its line, unless {@code allowUnsafe} allows the rule with a
 * reason. Statements PostgreSQL refuses in a transaction ({@code CREATE INDEX CONCURRENTLY}) are refused
 * when the plan is read, with the zdm operation that does them.
 */
public final class SqlType implements OperationType<Sql> {

	/** The memo of expand: the operation's expand step ran (its statements, for phase expand). */
	static final Memo RAN = () -> "ran";

	/** What the linter is told precedes the statements: zdm's own setting of each transaction. */
	private static final String PROLOGUE = "SET lock_timeout = '1s';\nBEGIN;\n";

	@Override
	public String kind() {
		return "sql";
	}

	@Override
	public Class<Sql> operationClass() {
		return Sql.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("phase", "statements", "rollback", "allowUnsafe", "table");
	}

	@Override
	public Sql read(OperationArguments arguments) {
		if (!arguments.has("phase")) {
			arguments.reject("phase", "'phase' is required: expand or contract");
		}
		Sql.Phase phase = arguments.choice("phase", Sql.Phase.class, null);
		List<Sql.Statement> statements = statements(arguments, "statements", true);
		List<Sql.Statement> rollback = statements(arguments, "rollback", false);
		if (phase == Sql.Phase.CONTRACT && arguments.has("rollback")) {
			arguments.reject("rollback", Sql.CONTRACT_ROLLBACK);
		}
		List<Sql.AllowUnsafe> allowUnsafe = new ArrayList<>();
		List<OperationArguments> entries = arguments.mappings("allowUnsafe", Set.of("rule", "reason"), false);
		if (entries != null) {
			Map<String, String> rules = ruleTitles();
			Set<String> seen = new HashSet<>();
			for (OperationArguments entry : entries) {
				String rule = entry.scalar("rule", true);
				String reason = entry.scalar("reason", false);
				if (rule == null) {
					continue;
				}
				String id = rule.strip().toUpperCase(Locale.ROOT);
				if (!rules.containsKey(id)) {
					entry.reject("rule", "allowUnsafe: unknown rule '" + rule + "': give the id of one of the linter's rules ("
							+ new TreeSet<>(rules.keySet()).first() + " to " + new TreeSet<>(rules.keySet()).last()
							+ ", docs/lint-rules.md) that a finding on these statements names");
				}
				else if (reason == null || reason.isBlank()) {
					entry.reject("reason", "allowUnsafe " + id + " has no reason, so it allows nothing: say why the "
							+ "statements are safe here anyway, e.g. {rule: " + id + ", reason: 'lookup table of 40 rows'}");
				}
				else if (!seen.add(id)) {
					entry.reject("rule", "allowUnsafe " + id + " is given twice: give it once, with one reason");
				}
				else {
					allowUnsafe.add(new Sql.AllowUnsafe(id, reason.strip()));
				}
			}
		}
		QualifiedName table = arguments.has("table") ? arguments.table("table") : null;
		return arguments.build(() -> new Sql(phase, statements, rollback, allowUnsafe, table));
	}

	/** The statements under {@code key}, each checked for what zdm cannot run in its transaction. */
	private static List<Sql.Statement> statements(OperationArguments arguments, String key, boolean required) {
		List<OperationArguments.Item> items = arguments.items(key, required);
		if (items == null) {
			return List.of();
		}
		List<Sql.Statement> statements = new ArrayList<>();
		for (OperationArguments.Item item : items) {
			String problem = SqlFragment.statementProblem(item.value());
			if (problem != null) {
				arguments.reject(item, "'" + key + "': " + problem);
			}
			statements.add(new Sql.Statement(item.value(), item.line()));
		}
		return statements;
	}

	@Override
	public boolean needsExistingTable() {
		return false;
	}

	@Override
	public Optional<TableInfo> table(Sql operation, CatalogReader catalog) throws SQLException {
		return (operation.table() != null) ? catalog.table(operation.table()) : Optional.empty();
	}

	@Override
	public void validate(Sql operation, OperationCheck check) throws SQLException {
		if (operation.table() != null && check.table() == null) {
			check.fail("table \"" + operation.table() + "\" does not exist. 'table' names an existing table the "
					+ "statements change (so that zdm refuses the plan while another migration changes it): fix the name, "
					+ "or leave 'table' out when the statements create the table.");
		}
		else if (operation.table() != null && operation.statements().stream()
			.noneMatch((statement) -> SqlReferences.mentions(statement.text(), check.table().name()))) {
			check.fail("'table' names " + check.table().qualifiedName() + ", which no statement mentions: zdm would "
					+ "guard a table the statements do not change. Name the table they change, or leave 'table' out.");
		}
		Lint lint = lint(operation, check);
		Map<String, String> titles = ruleTitles();
		for (Finding finding : lint.findings()) {
			Located at = lint.statementAt(finding.location().line());
			String rule = finding.ruleId();
			String title = titles.getOrDefault(rule, rule);
			String statement = (at != null) ? at.describe() + " is unsafe: " : "";
			check.fail((at != null) ? at.statement().line() : 0, statement + rule + " (" + title + "): "
					+ finding.message() + " (" + finding.lock() + "). Fix: " + finding.safeAlternative()
					+ " Or, if the statement is safe here, allow the rule with the reason why: allowUnsafe: [{rule: "
					+ rule + ", reason: '...'}] (" + finding.docs() + ")."
					+ ((at != null) ? " Statement: " + abbreviate(at.statement().text()) : ""));
		}
	}

	/** Warns of {@code allowUnsafe} entries that allow nothing: the statements changed, or never needed them. */
	@Override
	public void review(Sql operation, OperationCheck check) throws SQLException {
		if (operation.allowUnsafe().isEmpty()) {
			return;
		}
		Set<String> used = new HashSet<>();
		for (SuppressedFinding suppressed : lint(operation, check).suppressed()) {
			used.add(suppressed.finding().ruleId());
		}
		for (Sql.AllowUnsafe allow : operation.allowUnsafe()) {
			if (!used.contains(allow.rule())) {
				check.warn("allowUnsafe " + allow.rule() + " allows nothing: no statement of this operation breaks that "
						+ "rule. Remove the entry, so that it cannot hide a later statement that does.");
			}
		}
	}

	/**
	 * Lints the statements, then the rollback's, as zdm runs them: each list in one transaction after
	 * {@code SET lock_timeout}, for the server's major version, with the operation's {@code allowUnsafe}.
	 */
	private static Lint lint(Sql operation, OperationCheck check) throws SQLException {
		int version = Math.max(10, Math.min(18, check.connection().getMetaData().getDatabaseMajorVersion()));
		LintOptions options = LintOptions.defaults().withPostgresVersion(version);
		for (Sql.AllowUnsafe allow : operation.allowUnsafe()) {
			options = options.allowing(allow.rule(), allow.reason());
		}
		StringBuilder script = new StringBuilder(PROLOGUE);
		int line = (int) PROLOGUE.lines().count() + 1;
		Map<Integer, Located> starts = new LinkedHashMap<>();
		for (int i = 0; i < operation.statements().size(); i++) {
			line = append(script, line, starts, new Located("statement " + (i + 1), operation.statements().get(i)));
		}
		if (!operation.rollback().isEmpty()) {
			script.append("COMMIT;\nBEGIN;\n");
			line += 2;
			for (int i = 0; i < operation.rollback().size(); i++) {
				line = append(script, line, starts, new Located("rollback statement " + (i + 1),
						operation.rollback().get(i)));
			}
		}
		script.append("COMMIT;\n");
		LintRun run = new Linter(options).newRun();
		List<Finding> findings = run.lintSql(check.plan().source(), script.toString());
		return new Lint(findings, run.suppressed(), starts);
	}

	private static int append(StringBuilder script, int line, Map<Integer, Located> starts, Located statement) {
		String text = statement.statement().text();
		starts.put(line, statement);
		// On a line of its own: a statement may end in a line comment.
		script.append(text).append("\n;\n");
		return line + (int) text.lines().count() + 1;
	}

	private static Map<String, String> ruleTitles() {
		Map<String, String> titles = new LinkedHashMap<>();
		for (Rule rule : Linter.rules()) {
			titles.put(rule.id(), rule.title());
		}
		return titles;
	}

	private static String abbreviate(String sql) {
		String line = sql.replaceAll("\\s+", " ").strip();
		return (line.length() > 200) ? line.substring(0, 197) + "..." : line;
	}

	/**
	 * A statement of the operation with how errors name it.
	 *
	 * @param name {@code statement 2}, {@code rollback statement 1}
	 * @param statement the statement
	 */
	private record Located(String name, Sql.Statement statement) {

		String describe() {
			return this.name + ((this.statement.line() > 0) ? " (line " + this.statement.line() + ")" : "");
		}

	}

	/**
	 * What the linter said, and where each statement starts in the script it read.
	 */
	private record Lint(List<Finding> findings, List<SuppressedFinding> suppressed, Map<Integer, Located> starts) {

		/** The statement on {@code line} of the linted script, or {@code null} (zdm's own lines). */
		Located statementAt(int line) {
			Located found = null;
			for (Map.Entry<Integer, Located> start : this.starts.entrySet()) {
				if (start.getKey() <= line) {
					found = start.getValue();
				}
			}
			return found;
		}

	}

	@Override
	public Resolved resolve(Sql operation, ResolveContext context) {
		String on = context.description();
		DdlStep.InTransaction none = DdlStep.InTransaction.none("expand " + on);
		List<String> statements = operation.statements().stream().map(Sql.Statement::text).toList();
		boolean expanded = context.memo().isPresent();
		DdlStep.InTransaction expand = none;
		DdlStep.InTransaction contract = DdlStep.InTransaction.none("contract " + on);
		DdlStep.InTransaction rollback = DdlStep.InTransaction.none("rollback " + on);
		if (operation.phase() == Sql.Phase.EXPAND) {
			// Once expand recorded them, they ran: not again, and the rollback may undo them.
			if (!expanded) {
				expand = new DdlStep.InTransaction("expand " + on, statements);
			}
			else {
				rollback = new DdlStep.InTransaction("rollback " + on,
						operation.rollback().stream().map(Sql.Statement::text).toList());
			}
		}
		else {
			contract = new DdlStep.InTransaction("contract " + on, statements);
		}
		return new Resolved(expand, RAN, Optional.empty(), List.of(), DdlStep.InTransaction.none("switch " + on), List.of(),
				contract, rollback, VersionView.NONE, Sync.NONE);
	}

}

package dev.zdm.core.plan;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sql.SqlFragment;
import dev.zdm.lint.Linter;

/**
 * Raw statements for what no operation covers, run in one phase of the migration: in expand's step
 * ({@code expand}) or in contract's ({@code contract}), in one transaction under zdm's lock timeout. Linted
 * with zdm's linter before anything runs; a finding refuses the plan unless {@code allowUnsafe} allows its
 * rule with a reason.
 *
 * @param phase when the statements run
 * @param statements the statements, one per item, in order
 * @param rollback the statements that undo them on a rollback (only for {@code expand}; may be empty)
 * @param allowUnsafe the linter's rules allowed for these statements, each with the reason why
 * @param table the table the statements change, or {@code null}: when given, it must exist and no other
 * unfinished migration may be changing it
 */
public record Sql(Phase phase, List<Statement> statements, List<Statement> rollback, List<AllowUnsafe> allowUnsafe,
		QualifiedName table) implements Operation {

	public Sql {
		Objects.requireNonNull(phase, "phase");
		statements = List.copyOf(statements);
		rollback = (rollback != null) ? List.copyOf(rollback) : List.of();
		allowUnsafe = (allowUnsafe != null) ? List.copyOf(allowUnsafe) : List.of();
		if (statements.isEmpty()) {
			throw new IllegalArgumentException("'statements' must hold at least one statement");
		}
		for (int i = 0; i < statements.size(); i++) {
			String problem = SqlFragment.statementProblem(statements.get(i).sql());
			if (problem != null) {
				throw new IllegalArgumentException("'statements' item " + (i + 1) + ": " + problem);
			}
		}
		for (int i = 0; i < rollback.size(); i++) {
			String problem = SqlFragment.statementProblem(rollback.get(i).sql());
			if (problem != null) {
				throw new IllegalArgumentException("'rollback' item " + (i + 1) + ": " + problem);
			}
		}
		if (phase == Phase.CONTRACT && !rollback.isEmpty()) {
			throw new IllegalArgumentException(CONTRACT_ROLLBACK);
		}
	}

	/** Why a contract-phase sql operation takes no {@code rollback}. */
	public static final String CONTRACT_ROLLBACK = "'rollback' is only for phase expand: a contract-phase sql "
			+ "operation runs in contract, after which no migration can be rolled back, and a rollback before "
			+ "contract has nothing of it to undo. Leave 'rollback' out, or run the statements in expand";

	/** When the statements run. */
	public enum Phase {

		/** In the expand step: additive changes that old code survives. */
		EXPAND,

		/** In the contract step: what only new code survives; no rollback after it. */
		CONTRACT

	}

	/**
	 * One statement, with the line it starts on in the plan file.
	 *
	 * @param sql the statement, without its terminating {@code ;}
	 * @param line 1-based line in the plan file, or 0 (a plan built in Java)
	 */
	public record Statement(String sql, int line) {

		public Statement {
			Objects.requireNonNull(sql, "sql");
		}

		/** The statement without its line (a plan built in Java). */
		public static Statement of(String sql) {
			return new Statement(sql, 0);
		}

		/** The statement as the plan gives it, without the {@code ;} (or spaces) that may end it. */
		public String text() {
			String text = this.sql.strip();
			while (text.endsWith(";")) {
				text = text.substring(0, text.length() - 1).strip();
			}
			return text;
		}

	}

	/**
	 * A rule of the linter allowed for the operation's statements.
	 *
	 * @param rule the rule's id ({@code ZDM001})
	 * @param reason why the statements are safe here anyway; required
	 */
	public record AllowUnsafe(String rule, String reason) {

		public AllowUnsafe {
			Objects.requireNonNull(rule, "rule");
			if (Linter.rules().stream().noneMatch((known) -> known.id().equals(rule))) {
				throw new IllegalArgumentException("allowUnsafe: unknown rule '" + rule + "': give the id of one of the "
						+ "linter's rules (docs/lint-rules.md) that a finding on these statements names");
			}
			if (reason == null || reason.isBlank()) {
				throw new IllegalArgumentException("allowUnsafe " + rule + " has no reason: say why the statement is safe "
						+ "here, e.g. {rule: " + rule + ", reason: 'lookup table of 40 rows'}");
			}
		}

	}

	/** The table the plan names, or {@code null}: the statements may change several, or none. */
	@Override
	public QualifiedName table() {
		return this.table;
	}

	@Override
	public List<QualifiedName> tables() {
		return (this.table != null) ? List.of(this.table) : List.of();
	}

	@Override
	public String kind() {
		return "sql";
	}

	@Override
	public String canonical() {
		return "sql(phase=" + this.phase.name().toLowerCase(Locale.ROOT) + ",table=" + this.table + ",statements="
				+ texts(this.statements) + ",rollback=" + texts(this.rollback) + ",allowUnsafe="
				+ this.allowUnsafe.stream().map((allow) -> allow.rule() + ":" + allow.reason()).collect(Collectors.joining(","))
				+ ")";
	}

	private static String texts(List<Statement> statements) {
		return statements.stream().map(Statement::text).map((text) -> text.length() + ":" + text)
			.collect(Collectors.joining(",", "[", "]"));
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.sql(this);
	}

}

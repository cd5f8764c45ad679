package dev.zdm.lint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One migration being linted (a SQL file, a changelog): tables created in it are new and cannot block
 * anybody, so statements on them are not flagged. It tracks transactions, {@code lock_timeout} and the
 * ACCESS EXCLUSIVE locks held, feeds each statement to the rules, and applies suppressions.
 */
final class LintUnit {

	static final String UNPARSED = "ZDM000";

	/** The rule of a Liquibase {@code customChange}: Java code, which the linter neither loads nor runs. */
	static final String JAVA_CHANGE = "ZDM048";

	static final String INVALID_SUPPRESSION = "ZDM900";

	/** Reported once per unit: one missing SET lock_timeout explains every blocking statement after it. */
	static final String MISSING_LOCK_TIMEOUT = "ZDM022";

	private static final Pattern ALLOW = Pattern.compile("^zdm:allow\\b(.*)$", Pattern.DOTALL);

	private static final Pattern RULE_ID = Pattern.compile("ZDM\\d{3}", Pattern.CASE_INSENSITIVE);

	private final String file;

	private final LintOptions options;

	private final KnownSchema schema;

	private final Map<String, BuiltInRule> rules;

	private final Set<String> newTables = new HashSet<>();

	private final Set<String> newIndexes = new HashSet<>();

	private final Set<String> notValidInTransaction = new HashSet<>();

	private final List<Finding> findings = new ArrayList<>();

	private final List<SuppressedFinding> suppressed = new ArrayList<>();

	private boolean explicitTransaction;

	private boolean implicitTransaction;

	private boolean sessionLockTimeout;

	private boolean localLockTimeout;

	private final Set<String> accessExclusiveInTransaction = new LinkedHashSet<>();

	private boolean lockTimeoutReported;

	private boolean nonTransactionalBatch;

	private boolean sessionTimeZoneUtc;

	private boolean mixedTransactionScript;

	LintUnit(String file, LintOptions options, KnownSchema schema, Map<String, BuiltInRule> rules) {
		this.file = file;
		this.options = options;
		this.schema = schema;
		this.rules = rules;
	}

	LintOptions options() {
		return this.options;
	}

	KnownSchema schema() {
		return this.schema;
	}

	Set<String> newTables() {
		return this.newTables;
	}

	Set<String> newIndexes() {
		return this.newIndexes;
	}

	Set<String> notValidInTransaction() {
		return this.notValidInTransaction;
	}

	boolean inTransaction() {
		return this.explicitTransaction || this.implicitTransaction;
	}

	boolean lockTimeoutSet() {
		return this.sessionLockTimeout || this.localLockTimeout;
	}

	/** Whether an earlier {@code SET timezone} made the session's time zone UTC (or another zero offset). */
	boolean sessionTimeZoneUtc() {
		return this.sessionTimeZoneUtc;
	}

	/** The relations the current transaction holds ACCESS EXCLUSIVE on, in the order it took them. */
	Set<String> accessExclusiveInTransaction() {
		return this.accessExclusiveInTransaction;
	}

	List<Finding> findings() {
		return this.findings;
	}

	List<SuppressedFinding> suppressed() {
		return this.suppressed;
	}

	/** Starts a transaction that wraps the next statements without a BEGIN (a Liquibase changeset, a Flyway script). */
	void beginImplicitTransaction() {
		this.implicitTransaction = true;
		transactionStarted();
	}

	void endImplicitTransaction() {
		this.implicitTransaction = false;
		transactionEnded();
	}

	/** Marks the next statements as a batch that runs without a transaction and is re-run as a whole on failure. */
	void nonTransactionalBatch(boolean batch) {
		this.nonTransactionalBatch = batch;
	}

	boolean nonTransactionalBatch() {
		return this.nonTransactionalBatch;
	}

	/**
	 * Marks the unit as a script that Flyway would run as one transaction but for some of its statements,
	 * which PostgreSQL refuses in a transaction block.
	 */
	void mixedTransactionScript(boolean mixed) {
		this.mixedTransactionScript = mixed;
	}

	boolean mixedTransactionScript() {
		return this.mixedTransactionScript;
	}

	/**
	 * Reports a change that could not be analysed at all: SQL Liquibase could not generate offline
	 * ({@link #UNPARSED}), or a custom change in Java ({@link #JAVA_CHANGE}).
	 */
	void unanalysed(String ruleId, int line, int column, String message, String changeSet) {
		if (this.options.allowUnsafe().containsKey(ruleId)) {
			return;
		}
		BuiltInRule rule = this.rules.get(ruleId);
		this.findings.add(new Finding(rule.id(), rule.severity(), message, rule.lock(), rule.whyItHurts(),
				rule.safeAlternative(), rule.docs(), new SourceLocation(this.file, line, column, changeSet), ""));
	}

	/** Lints statements; {@code changeSet} names the Liquibase changeset they come from, or is null. */
	void lint(List<SqlStatement> statements, String changeSet) {
		for (SqlStatement statement : statements) {
			lint(statement, changeSet);
		}
	}

	private void lint(SqlStatement statement, String changeSet) {
		ParsedStatement parsed = StatementParser.parse(statement);
		if (parsed instanceof ParsedStatement.DoBlock block) {
			lintDoBlock(statement, block, changeSet);
			return;
		}
		StatementContext context = new StatementContext(statement, parsed, this);
		Map<String, String> allowed = suppressions(statement, changeSet);
		List<Finding> raised = new ArrayList<>();
		if (parsed instanceof ParsedStatement.Unparsed unparsed) {
			raised.add(finding(this.rules.get(UNPARSED), statement, null, null,
					"Statement not analysed, " + unparsed.reason() + ": review it by hand or rehearse it", changeSet));
		}
		for (ParsedStatement.AlterAction action : context.alterActions()) {
			if (action instanceof ParsedStatement.UnknownAction unknown) {
				raised.add(finding(this.rules.get(UNPARSED), statement, unknown.at(), null,
						"ALTER TABLE action not analysed: '" + unknown.text() + "'; review it by hand or rehearse it",
						changeSet));
			}
		}
		for (BuiltInRule rule : this.rules.values()) {
			try {
				rule.check().apply(context, (at, target, message) -> raised.add(finding(rule, statement, at, target,
						message, changeSet)));
			}
			catch (RuntimeException ex) {
				// A statement only half understood must not stop the run, nor pass unseen.
				raised.add(finding(this.rules.get(UNPARSED), statement, null, null, "Rule " + rule.id()
						+ " could not check this statement (" + ex + "): review it by hand or rehearse it", changeSet));
			}
		}
		for (Finding finding : raised) {
			if (finding.ruleId().equals(MISSING_LOCK_TIMEOUT)) {
				if (this.lockTimeoutReported) {
					continue;
				}
				this.lockTimeoutReported = true;
			}
			if (allowed.containsKey(finding.ruleId())) {
				this.suppressed.add(new SuppressedFinding(finding, allowed.get(finding.ruleId()), true));
			}
			else if (this.options.allowUnsafe().containsKey(finding.ruleId())) {
				this.suppressed.add(new SuppressedFinding(finding, this.options.allowUnsafe().get(finding.ruleId()), false));
			}
			else {
				this.findings.add(finding);
			}
		}
		track(context);
	}

	/**
	 * Lints the statements of a DO block as the statements they are, in the one transaction the block runs
	 * in; what cannot be known before it runs (dynamic SQL built from expressions) is reported as ZDM000.
	 */
	private void lintDoBlock(SqlStatement statement, ParsedStatement.DoBlock block, String changeSet) {
		if (!block.language().equals("plpgsql")) {
			report(this.rules.get(UNPARSED), statement, null, "DO block in language " + block.language()
					+ " not analysed: review it by hand or rehearse it", changeSet);
			return;
		}
		boolean wrap = !inTransaction();
		if (wrap) {
			beginImplicitTransaction();
		}
		for (PlpgsqlBlock.Piece piece : PlpgsqlBlock.pieces(block.body())) {
			if (piece.statement() != null) {
				piece.statement().comments().addAll(statement.comments());
				lint(piece.statement(), changeSet);
			}
			else {
				report(this.rules.get(UNPARSED), statement, piece.at(), "Statement in a DO block not analysed, "
						+ piece.reason() + ": review it by hand or rehearse it", changeSet);
			}
		}
		if (wrap) {
			endImplicitTransaction();
		}
	}

	/** Adds a finding unless suppressed or allowed. */
	private void report(BuiltInRule rule, SqlStatement statement, SqlToken at, String message, String changeSet) {
		Finding finding = finding(rule, statement, at, null, message, changeSet);
		Map<String, String> allowed = suppressions(statement, changeSet);
		if (allowed.containsKey(rule.id())) {
			this.suppressed.add(new SuppressedFinding(finding, allowed.get(rule.id()), true));
		}
		else if (this.options.allowUnsafe().containsKey(rule.id())) {
			this.suppressed.add(new SuppressedFinding(finding, this.options.allowUnsafe().get(rule.id()), false));
		}
		else {
			this.findings.add(finding);
		}
	}

	private Finding finding(BuiltInRule rule, SqlStatement statement, SqlToken at, String target, String message,
			String changeSet) {
		int line = (at != null) ? at.line() : statement.line();
		int column = (at != null) ? at.column() : statement.column();
		String lock = (target != null) ? rule.lock() + " on " + target : rule.lock();
		return new Finding(rule.id(), rule.severity(), message, lock, rule.whyItHurts(), rule.safeAlternative(),
				rule.docs(), new SourceLocation(this.file, line, column, changeSet), statement.text());
	}

	/** The rules the statement's {@code -- zdm:allow} comments allow; malformed ones become findings. */
	private Map<String, String> suppressions(SqlStatement statement, String changeSet) {
		Map<String, String> allowed = new HashMap<>();
		for (SqlComment comment : statement.comments()) {
			Matcher matcher = ALLOW.matcher(comment.text());
			if (!matcher.matches()) {
				continue;
			}
			String rest = matcher.group(1).strip();
			List<String> ids = new ArrayList<>();
			Matcher id = RULE_ID.matcher(rest);
			int end = 0;
			while (id.find() && rest.substring(end, id.start()).replace(",", "").isBlank()) {
				ids.add(id.group().toUpperCase(Locale.ROOT));
				end = id.end();
			}
			String reason = rest.substring(end).replaceFirst("^[,\\s:-]+", "").strip();
			SqlToken at = new SqlToken(SqlToken.Kind.SYMBOL, "--", "--", comment.line(), comment.column());
			if (ids.isEmpty()) {
				this.findings.add(finding(this.rules.get(INVALID_SUPPRESSION), statement, at, null,
						"zdm:allow names no rule: write '-- zdm:allow ZDM001 <reason>'", changeSet));
				continue;
			}
			for (String rule : ids) {
				if (!this.rules.containsKey(rule)) {
					this.findings.add(finding(this.rules.get(INVALID_SUPPRESSION), statement, at, null,
							"zdm:allow names unknown rule " + rule, changeSet));
				}
				else if (reason.isEmpty()) {
					this.findings.add(finding(this.rules.get(INVALID_SUPPRESSION), statement, at, null,
							"zdm:allow " + rule + " has no reason, so it does not apply: say why the statement is safe"
									+ " here, e.g. '-- zdm:allow " + rule + " table has 200 rows'",
							changeSet));
				}
				else {
					allowed.put(rule, reason);
				}
			}
		}
		return allowed;
	}

	/** Updates the unit's state once the statement has been checked. */
	private void track(StatementContext context) {
		ParsedStatement parsed = context.parsed();
		LockMode lock = context.strongestLockOnExisting();
		if (lock == LockMode.ACCESS_EXCLUSIVE && inTransaction()) {
			this.accessExclusiveInTransaction.addAll(LockLevels.targets(parsed));
		}
		if (parsed instanceof ParsedStatement.Transaction transaction) {
			if (transaction.boundary() == ParsedStatement.Transaction.Boundary.BEGIN) {
				this.explicitTransaction = true;
				transactionStarted();
			}
			else {
				this.explicitTransaction = false;
				transactionEnded();
			}
		}
		else if (parsed instanceof ParsedStatement.SetParameter set) {
			trackSetting(set);
		}
		else if (parsed instanceof ParsedStatement.CreateTable create) {
			this.newTables.add(create.table().key());
		}
		else if (parsed instanceof ParsedStatement.CreateIndex create && create.index() != null) {
			this.newIndexes.add(create.index().key());
		}
		else if (parsed instanceof ParsedStatement.AlterTable alter) {
			for (ParsedStatement.AlterAction action : alter.actions()) {
				// Only a transaction keeps the ADD's lock until the VALIDATE: statement by statement, each commits.
				if (action instanceof ParsedStatement.AddConstraint add && add.constraint().notValid()
						&& add.constraint().name() != null && inTransaction()) {
					this.notValidInTransaction.add(add.constraint().name().name());
				}
				if (action instanceof ParsedStatement.RenameTable rename && rename.newName() != null) {
					if (this.newTables.remove(alter.table().key())) {
						this.newTables.add(rename.newName().key());
					}
					if (this.accessExclusiveInTransaction.contains(alter.table().key())) {
						this.accessExclusiveInTransaction.add(rename.newName().key());
					}
				}
			}
		}
		this.schema.apply(parsed);
	}

	private void trackSetting(ParsedStatement.SetParameter set) {
		if (set.parameter().equals("timezone") || set.parameter().equals("all")) {
			String zone = (set.value() != null) ? set.value().strip().toLowerCase(Locale.ROOT) : "";
			// A transaction-local setting ends with the transaction; treat it as lasting, as migrations rarely
			// change the zone twice.
			this.sessionTimeZoneUtc = Set.of("utc", "etc/utc", "gmt", "etc/gmt", "uct", "etc/uct", "zulu", "etc/zulu",
					"universal", "etc/universal", "greenwich", "gmt0", "etc/gmt0", "z").contains(zone.replace("'", ""));
		}
		if (!set.parameter().equals("lock_timeout") && !set.parameter().equals("all")) {
			return;
		}
		String value = (set.value() != null) ? set.value().strip() : "0";
		boolean enabled = !value.isEmpty() && !value.equals("0") && !value.equalsIgnoreCase("default");
		if (set.local()) {
			this.localLockTimeout = enabled && inTransaction();
		}
		else {
			this.sessionLockTimeout = enabled;
		}
	}

	private void transactionStarted() {
		this.accessExclusiveInTransaction.clear();
		this.notValidInTransaction.clear();
	}

	private void transactionEnded() {
		this.accessExclusiveInTransaction.clear();
		this.notValidInTransaction.clear();
		this.localLockTimeout = false;
	}

}

package dev.zdm.lint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every rule zdm ships, by id. */
final class BuiltInRules {

	private static final Map<String, BuiltInRule> ALL = load();

	private BuiltInRules() {
	}

	static Map<String, BuiltInRule> all() {
		return ALL;
	}

	private static Map<String, BuiltInRule> load() {
		List<BuiltInRule> rules = new ArrayList<>();
		rules.add(BuiltInRule.engine(LintUnit.UNPARSED, "Statement not understood", Severity.WARNING,
				"The linter could not read the statement (or one ALTER TABLE action), so no rule has checked it:"
						+ " it is reported rather than passed silently.",
				"Review the statement by hand, rehearse it (Linter rehearsal mode) to see its locks, then allow it"
						+ " with '-- zdm:allow ZDM000 <reason>'."));
		rules.add(CreateIndexRule.rule());
		rules.add(DropIndexRule.rule());
		rules.add(ReindexRule.rule());
		rules.add(ConcurrentlyInTransactionRule.rule());
		rules.add(ValidatedForeignKeyRule.rule());
		rules.add(ValidatedCheckRule.rule());
		rules.add(SetNotNullRule.rule());
		rules.add(AddUniqueRule.rule());
		rules.add(AddPrimaryKeyRule.rule());
		rules.add(ExclusionConstraintRule.rule());
		rules.add(RewritingDefaultRule.rule());
		rules.add(StoredGeneratedRule.rule());
		rules.add(SerialOrIdentityRule.rule());
		rules.add(NotNullWithoutDefaultRule.rule());
		rules.add(TypeChangeRule.rule());
		rules.add(RenameColumnRule.rule());
		rules.add(RenameTableRule.rule());
		rules.add(DropColumnRule.rule());
		rules.add(DropTableRule.rule());
		rules.add(DropNotNullRule.rule());
		rules.add(SeveralAccessExclusiveRule.rule());
		rules.add(MissingLockTimeoutRule.rule());
		rules.add(VacuumFullRule.rule());
		rules.add(ClusterRule.rule());
		rules.add(DetachPartitionRule.rule());
		rules.add(TruncateCascadeRule.rule());
		rules.add(DomainCheckRule.rule());
		rules.add(DataChangeRule.rule());
		rules.add(JsonRule.rule());
		rules.add(IntegerPrimaryKeyRule.rule());
		rules.add(ForeignKeyTypeMismatchRule.rule());
		rules.add(EnumRenameRule.rule());
		rules.add(NotIdempotentRule.rule());
		rules.add(EnumValueInTransactionRule.rule());
		rules.add(ValidateInSameTransactionRule.rule());
		rules.add(RewriteRule.rule());
		rules.add(LockTableRule.rule());
		rules.add(RefreshMaterializedViewRule.rule());
		rules.add(AttachPartitionRule.rule());
		rules.add(TimestampWithoutZoneRule.rule());
		rules.add(RenameSchemaRule.rule());
		rules.add(TypeChangeRechecksRule.rule());
		rules.add(SystemCatalogWriteRule.rule());
		rules.add(DisableTriggerAllRule.rule());
		rules.add(CharColumnRule.rule());
		rules.add(DropSchemaCascadeRule.rule());
		rules.add(FlywayMixedScriptRule.rule());
		rules.add(BuiltInRule.engine(LintUnit.JAVA_CHANGE, "Liquibase customChange not linted", Severity.WARNING,
				"unknown (whatever the Java code's statements take)",
				"A customChange runs Java code that the linter neither loads nor runs: whatever SQL it issues, and the"
						+ " locks that SQL takes, have not been checked.",
				"Review what the class does by hand (its statements, their locks, how many rows it touches), then"
						+ " allow ZDM048 for the run with the reason; data changes over large tables belong in a zdm plan"
						+ " (replaceColumns with a Java transform) that backfills in batches."));
		rules.add(BuiltInRule.engine(LintUnit.INVALID_SUPPRESSION, "Suppression without a reason or for an unknown rule",
				Severity.ERROR,
				"A suppression nobody can review is a silent hole: '-- zdm:allow' must name existing rules and say why"
						+ " the statement is safe here. A malformed suppression suppresses nothing.",
				"Write '-- zdm:allow ZDM001 orders has 300 rows' on the line before the statement."));
		rules.sort(Comparator.comparing(BuiltInRule::id));
		Map<String, BuiltInRule> byId = new LinkedHashMap<>();
		for (BuiltInRule rule : rules) {
			if (byId.put(rule.id(), rule) != null) {
				throw new IllegalStateException("Duplicate rule id " + rule.id());
			}
		}
		return Collections.unmodifiableMap(byId);
	}

}

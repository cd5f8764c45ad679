package dev.zdm.lint;


/**
 * ZDM039: ATTACH PARTITION without a matching CHECK.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM039.sql} of zdm-lint's test resources.
 */
final class AttachPartitionRule {

	private AttachPartitionRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM039", "ATTACH PARTITION without a matching CHECK", Severity.WARNING,
				"SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the partition",
				"Scans the whole partition to prove its rows fit the bounds, holding ACCESS EXCLUSIVE on it (and on a"
						+ " default partition, which is scanned too).",
				"First ADD a CHECK constraint matching the bounds NOT VALID and VALIDATE it; ATTACH then skips the"
						+ " scan; drop the CHECK afterwards.",
				(context, reporter) -> RuleSupport.onAction(context, ParsedStatement.AttachPartition.class, (action, table) -> {
					ParsedStatement.AttachPartition attach = (ParsedStatement.AttachPartition) action;
					if (attach.partition() != null && !context.isNew(attach.partition())) {
						reporter.report(action.at(), "partition " + attach.partition(), "ATTACH PARTITION "
								+ attach.partition() + " scans it under ACCESS EXCLUSIVE unless a valid CHECK matches the bounds");
					}
				}));
	}

}

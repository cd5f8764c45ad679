package dev.zdm.lint;


/**
 * ZDM027: Domain with a CHECK constraint.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM027.sql} of zdm-lint's test resources.
 */
final class DomainCheckRule {

	private DomainCheckRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM027", "Domain with a CHECK constraint", Severity.WARNING,
				"SHARE on every table using the domain, while ALTER DOMAIN ADD CONSTRAINT scans them",
				"Adding or changing a domain's CHECK later scans every column of every table that uses the domain"
						+ " under a lock that blocks writes, and there is no online way to change it.",
				"Put the CHECK on the table column (zdm's addCheckConstraint adds it NOT VALID and validates it"
						+ " online); for ALTER DOMAIN ADD CONSTRAINT use NOT VALID, then VALIDATE CONSTRAINT.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.CreateDomain domain && domain.hasCheck()) {
						reporter.report(null, "the tables using domain " + domain.domain(), "Domain " + domain.domain()
								+ " has a CHECK: changing it later scans every table using the domain");
					}
					else if (context.parsed() instanceof ParsedStatement.AlterDomain domain && domain.addsCheck()
							&& !domain.notValid()) {
						reporter.report(null, "the tables using domain " + domain.domain(), "ALTER DOMAIN "
								+ domain.domain() + " ADD CONSTRAINT ... CHECK scans every table using the domain; add it NOT VALID");
					}
				});
	}

}

package dev.zdm.lint;

import java.nio.file.Path;
import java.util.List;

import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** Only the changesets a real database has not run yet are linted; the applied ones still describe the schema. */
@ExtendWith(PostgresExtension.class)
class PendingChangeSetsTests {

	@Test
	void lintsOnlyChangesetsMissingFromDatabaseChangelog(TestDatabase database) throws Exception {
		Path master = Path.of(getClass().getResource("/lint/liquibase/master.xml").toURI());
		database.execute("DROP TABLE IF EXISTS databasechangelog",
				"CREATE TABLE databasechangelog (id varchar(255), author varchar(255), filename varchar(255))",
				"INSERT INTO databasechangelog VALUES ('create-customers', 'alice', 'classpath:/lint/liquibase/001-create-orders.xml'),"
						+ " ('create-orders', 'alice', 'lint/liquibase/001-create-orders.xml'),"
						+ " ('index-new-orders', 'alice', '001-create-orders.xml'),"
						+ " ('widen-status', 'alice', '001-create-orders.xml'),"
						+ " ('add-status-index', 'bob', 'db/002-orders.yaml')");
		List<Finding> findings = new Linter().newRun().lintPendingChangesets(master, database.dataSource());
		assertThat(findings).extracting((f) -> f.ruleId() + " " + f.location().changeSet()).containsExactly(
				"ZDM007 status-not-null::bob", "ZDM022 status-not-null::bob", "ZDM005 fk-customer::carol",
				"ZDM022 fk-customer::carol", "ZDM004 index-in-transaction::carol");
	}

	@Test
	void withoutAChangelogTableEveryChangesetIsPending(TestDatabase database) throws Exception {
		Path master = Path.of(getClass().getResource("/lint/liquibase/master.xml").toURI());
		database.execute("DROP TABLE IF EXISTS databasechangelog");
		List<Finding> findings = new Linter().newRun().lintPendingChangesets(master, database.dataSource());
		assertThat(findings).extracting(Finding::ruleId)
			.containsExactly("ZDM001", "ZDM022", "ZDM007", "ZDM005", "ZDM022", "ZDM004");
	}

}

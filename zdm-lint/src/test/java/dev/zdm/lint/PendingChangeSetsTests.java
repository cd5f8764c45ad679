package dev.zdm.lint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

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

	@Test
	void readsAChangelogTableOfAnotherNameAndSchema(TestDatabase database) throws Exception {
		Path master = Path.of(getClass().getResource("/lint/liquibase/master.xml").toURI());
		database.execute("DROP TABLE IF EXISTS databasechangelog", "DROP SCHEMA IF EXISTS lb CASCADE", "CREATE SCHEMA lb",
				"CREATE TABLE lb.my_changelog (id varchar(255), author varchar(255), filename varchar(255))",
				"INSERT INTO lb.my_changelog VALUES ('create-customers', 'alice', 'lint/liquibase/001-create-orders.xml'),"
						+ " ('create-orders', 'alice', '001-create-orders.xml'),"
						+ " ('index-new-orders', 'alice', '001-create-orders.xml'),"
						+ " ('widen-status', 'alice', '001-create-orders.xml'),"
						+ " ('add-status-index', 'bob', 'db/002-orders.yaml')");
		List<Finding> findings = new Linter().newRun().lintPendingChangesets(master, null, database.dataSource(), "LB", "MY_CHANGELOG");
		assertThat(findings).extracting((f) -> f.ruleId() + " " + f.location().changeSet()).containsExactly(
				"ZDM007 status-not-null::bob", "ZDM022 status-not-null::bob", "ZDM005 fk-customer::carol",
				"ZDM022 fk-customer::carol", "ZDM004 index-in-transaction::carol");
		List<Finding> all = new Linter().newRun().lintPendingChangesets(master, null, database.dataSource(), "lb", "other_changelog");
		assertThat(all).extracting(Finding::ruleId).containsExactly("ZDM001", "ZDM022", "ZDM007", "ZDM005", "ZDM022", "ZDM004");
	}

	@Test
	void learnedScriptsDescribeTheExistingSchemaWithoutFindings() {
		LintRun run = new Linter().newRun();
		run.learnSql("V1__init.sql", "CREATE TABLE items (id bigint PRIMARY KEY, name varchar(100));"
				+ " CREATE INDEX idx_items_name ON items (name);");
		assertThat(run.statements()).isZero();
		// varchar(100) to text is known not to rewrite (no ZDM015) only because V1 was learned; its brief lock still
		// wants a lock_timeout (ZDM022); the index is on an existing table (ZDM001).
		assertThat(run.lintSql("V2__x.sql", "ALTER TABLE items ALTER COLUMN name TYPE text;"
				+ " CREATE INDEX idx_items_id_name ON items (id, name);"))
			.extracting(Finding::ruleId).containsExactly("ZDM022", "ZDM001");
	}

	@Test
	void onlyTheChangesetsOfTheSelectedContextsAndLabelsAreLinted(@TempDir Path dir) throws Exception {
		Path changelog = dir.resolve("changelog.sql");
		Files.writeString(changelog, """
				--liquibase formatted sql
				--changeset alice:rename context:test
				ALTER TABLE users RENAME COLUMN email TO email_address;
				--changeset alice:index labels:reporting
				CREATE INDEX idx_users_email ON users (email);
				--changeset alice:drop
				ALTER TABLE users DROP COLUMN legacy;
				""");
		assertThat(new Linter().newRun().lintChangelog(changelog)).extracting(Finding::ruleId)
			.contains("ZDM016", "ZDM001", "ZDM018");
		assertThat(new Linter().newRun().selectingChangeSets("prod", "!reporting").lintChangelog(changelog))
			.extracting(Finding::ruleId)
			.contains("ZDM018")
			.doesNotContain("ZDM016", "ZDM001");
		assertThat(new Linter().newRun().selectingChangeSets(" ", null).lintChangelog(changelog)).extracting(Finding::ruleId)
			.contains("ZDM016", "ZDM001", "ZDM018");
	}

}

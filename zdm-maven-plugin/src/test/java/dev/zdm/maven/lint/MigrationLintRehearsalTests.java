package dev.zdm.maven.lint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.zdm.lint.LintOptions;
import dev.zdm.lint.Severity;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** With a database to rehearse on, the build log shows each risky statement's real locks and rewrites. */
@ExtendWith(PostgresExtension.class)
class MigrationLintRehearsalTests {

	@Test
	void printsObservedLocksAndRewritesNextToTheFindings(TestDatabase database, @TempDir Path project) throws Exception {
		Files.createDirectories(project.resolve("db"));
		Files.writeString(project.resolve("db/V1__orders.sql"),
				"CREATE TABLE orders (id integer PRIMARY KEY, status text);\nCREATE INDEX idx_orders_id ON orders (id);");
		Files.writeString(project.resolve("db/V2__orders.sql"), """
				SET lock_timeout = '1s';
				CREATE INDEX idx_orders_status ON orders (status);
				ALTER TABLE orders ALTER COLUMN id TYPE bigint;
				ALTER TABLE orders ADD COLUMN note text;
				""");
		CapturingLog log = new CapturingLog();
		MigrationLint.Settings settings = new MigrationLint.Settings(project, List.of(project.resolve("db")),
				LintOptions.defaults(), Severity.WARNING, null, null, false, database.dataSource(), null);
		MigrationLint.Outcome outcome = new MigrationLint(settings, log).run();
		assertThat(outcome.findings()).extracting((f) -> f.ruleId()).containsExactly("ZDM030", "ZDM001", "ZDM015");
		assertThat(log.lines).contains(
				"[INFO] rehearsal db/V2__orders.sql:2:1: ZDM001; rehearsal: SHARE on table orders; no rewrite",
				"[INFO] rehearsal db/V2__orders.sql:3:1: ZDM015; rehearsal: ACCESS EXCLUSIVE on index idx_orders_id,"
						+ " ACCESS EXCLUSIVE on table orders, ACCESS EXCLUSIVE on index orders_pkey;"
						+ " rewrote idx_orders_id, orders, orders_pkey",
				"[INFO] rehearsal db/V2__orders.sql:4:1: no finding; rehearsal: ACCESS EXCLUSIVE on table orders; no rewrite");
		assertThat(log.lines).contains(
				"[INFO] rehearsal db/V1__orders.sql:1:1: ZDM030; rehearsal: no lock on existing relations; no rewrite")
			.noneMatch((line) -> line.startsWith("[INFO] rehearsal db/V1__orders.sql:2:1"));
	}

}

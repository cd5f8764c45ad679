package dev.zdm.core.migration;

import java.util.List;

import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several operations of one table are backfilled by one pass over it: each row is written once, with every
 * operation's column, and the sync triggers of all of them stay out of the backfill's way.
 */
@ExtendWith(PostgresExtension.class)
class OneBackfillPassTests {

	private static final QualifiedName TABLE = new QualifiedName(Identifier.of("public"), Identifier.of("t"));

	private static final List<ColumnInfo> KEY = List.of();

	@Test
	void twoOperationsOfOneTableShareOnePassThatWritesEachRowOnce(TestDatabase db) {
		db.execute("CREATE TABLE items (id bigint PRIMARY KEY, email text, price numeric(10,2))",
				"INSERT INTO items SELECT g, 'u' || g, g / 100.0 FROM generate_series(1, 20000) g",
				"UPDATE items SET email = NULL WHERE id % 7 = 0");
		Orchestrator zdm = new Orchestrator(db.dataSource(), ZdmSettings.defaults());
		zdm.install();
		zdm.start(Plan.builder("two-ops").renameColumn("items", "email", "email_address")
			.changeColumnType("items", "price", "integer", "round(price * 100)::integer", "price_cents / 100.0",
					"price_cents")
			.build());
		assertThat(zdm.advance("two-ops").phase()).isEqualTo(Phase.EXPANDED);
		// Old code writes while the pass runs: both columns of these rows come from the triggers.
		db.execute("UPDATE items SET email = 'changed', price = 1.23 WHERE id IN (5, 10000)",
				"INSERT INTO items (id, email, price) VALUES (30000, 'new', 4.56)");
		MigrationStatus status = zdm.advance("two-ops");
		assertThat(status.phase()).isEqualTo(Phase.BACKFILLED);
		// One pass: 20,000 rows written once (the two written by old code already were in step, as were the NULLs).
		assertThat(db.queryStrings("SELECT DISTINCT operation_index::text FROM zdm.zdm_backfill_range"))
			.containsExactly("1");
		assertThat(db.queryLong("SELECT sum(rows_done) FROM zdm.zdm_backfill_range")).isLessThanOrEqualTo(20_000)
			.isGreaterThanOrEqualTo(20_000 - 3);
		assertThat(db.queryLong("SELECT count(*) FROM items WHERE email_address IS DISTINCT FROM email"
				+ " OR price_cents IS DISTINCT FROM round(price * 100)::integer")).isZero();
		assertThat(db.queryStrings("SELECT email_address || ' ' || price_cents FROM items WHERE id IN (5, 10000, 30000)"
				+ " ORDER BY id")).containsExactly("changed 123", "changed 123", "new 456");
		assertThat(zdm.advanceTo("two-ops", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(db.queryLong("SELECT count(*) FROM items WHERE price_cents <> round(id)::integer"
				+ " AND id NOT IN (5, 10000, 30000)")).isZero();
		assertThat(db.queryLong("SELECT count(*) FROM items WHERE email_address IS NULL")).isEqualTo(20_000 / 7);
	}

	@Test
	void aPassThatReadsAColumnAnotherWritesStaysApart() {
		BackfillTarget first = new BackfillTarget(TABLE, KEY, Identifier.of("email_address"), "\"email\"",
				"\"email_address\" IS DISTINCT FROM \"email\"", Identifier.of("trigger_a"), null);
		BackfillTarget readsFirst = new BackfillTarget(TABLE, KEY, Identifier.of("domain"),
				"split_part(\"email_address\", '@', 2)", "\"domain\" IS DISTINCT FROM split_part(\"email_address\", '@', 2)",
				null, null);
		BackfillTarget sameColumn = new BackfillTarget(TABLE, KEY, Identifier.of("email_address"), "lower(\"email\")",
				"\"email_address\" IS DISTINCT FROM lower(\"email\")", Identifier.of("trigger_b"), null);
		BackfillTarget otherTable = new BackfillTarget(new QualifiedName(Identifier.of("public"), Identifier.of("u")),
				KEY, Identifier.of("x"), "1", "\"x\" IS DISTINCT FROM 1", null, null);
		assertThat(first.combine(readsFirst)).isEmpty();
		assertThat(readsFirst.combine(first)).isEmpty();
		assertThat(first.combine(sameColumn)).isEmpty();
		assertThat(first.combine(otherTable)).isEmpty();
	}

	@Test
	void aCombinedPassWritesEachColumnOnlyInTheRowsWhereItDiffers() {
		BackfillTarget copy = new BackfillTarget(TABLE, KEY, Identifier.of("email_address"), "\"email\"",
				"\"email_address\" IS DISTINCT FROM \"email\"", Identifier.of("trigger_a"), null);
		BackfillTarget fill = new BackfillTarget(TABLE, KEY, Identifier.of("title"), "'untitled'", "\"title\" IS NULL",
				null, "\"title\" IS NULL");
		BackfillTarget both = copy.combine(fill).orElseThrow();
		assertThat(both.assignment()).isEqualTo(
				"\"email_address\" = CASE WHEN (\"email_address\" IS DISTINCT FROM \"email\") THEN \"email\" ELSE \"email_address\" END, "
						+ "\"title\" = CASE WHEN (\"title\" IS NULL) THEN 'untitled' ELSE \"title\" END");
		assertThat(both.mismatch()).isEqualTo("(\"email_address\" IS DISTINCT FROM \"email\") OR (\"title\" IS NULL)");
		assertThat(both.bypassTriggers()).containsExactly(Identifier.of("trigger_a"));
		assertThat(both.notNullViolation()).isEqualTo("\"title\" IS NULL");
	}

}

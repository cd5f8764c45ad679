package dev.zdm.core.migration;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backfill walks any orderable primary key: composite, text, uuid, timestamps, with gaps and with a
 * batch size that does not divide the row count.
 */
@ExtendWith(PostgresExtension.class)
class KeyShapesTests {

	private static final int ROWS = 7_919;

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiterString = " ;; ", quoteCharacter = '`', value = {
			"composite (int, bigint)  ;; tenant int, id bigint, PRIMARY KEY (tenant, id) ;; g % 7, g * 3",
			"text                     ;; code text PRIMARY KEY                           ;; 'k' || lpad(g::text, 6, '0') || md5(g::text)",
			"uuid                     ;; id uuid PRIMARY KEY                             ;; md5(g::text)::uuid",
			"timestamptz and text     ;; at timestamptz, tag text, PRIMARY KEY (at, tag) ;; '2026-01-01'::timestamptz + g * interval '1 minute', 't' || (g % 3)",
			"sparse bigint            ;; id bigint PRIMARY KEY                           ;; g::bigint * 1000003" })
	void backfillVisitsEveryRowOnce(String name, String keyColumns, String keyValues, TestDatabase db) {
		db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS items CASCADE",
				"CREATE TABLE items (" + keyColumns + ", amount numeric(8,2) NOT NULL)",
				"INSERT INTO items SELECT " + keyValues + ", (g % 1000) / 10.0 FROM generate_series(1, " + ROWS + ") g");
		Orchestrator zdm = new Orchestrator(db.dataSource(), ZdmSettings.defaults()
			.withBackfill(BackfillSettings.defaults().withBatchSizes(250, 250, 250)));
		zdm.install();
		String id = "items-" + name.replaceAll("[^a-z]+", "-").replaceAll("-$", "");
		zdm.start(Plan.builder(id)
			.changeColumnType("items", "amount", "integer", "(amount * 10)::integer", "amount_tenths / 10.0",
					"amount_tenths")
			.build());
		assertThat(zdm.advanceTo(id, Phase.BACKFILLED).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(zdm.status(id).backfill().rowsDone()).isEqualTo(ROWS);
		assertThat(zdm.advanceTo(id, Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(db.queryLong("SELECT count(*) FROM items")).isEqualTo(ROWS);
		assertThat(db.queryLong("SELECT sum(amount_tenths) FROM items"))
			.isEqualTo(db.queryLong("SELECT sum(g % 1000) FROM generate_series(1, " + ROWS + ") g"));
	}

}

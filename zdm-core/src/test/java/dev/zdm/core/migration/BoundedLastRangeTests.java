package dev.zdm.core.migration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The last backfill range of an operation whose later rows its sync triggers keep in step ends at the greatest
 * key seen when the ranges were planned: rows inserted while the backfill runs are not visited again, so that
 * a backfill slowed by a throttle ends even while the application inserts as fast as the table takes rows. A
 * verification that finds a row out of step reopens the last range for the rerun.
 */
@ExtendWith(PostgresExtension.class)
class BoundedLastRangeTests {

	private final TestDatabase db;

	BoundedLastRangeTests(TestDatabase db) {
		this.db = db;
	}

	/** Counts the rows the batches visited and, once, runs {@code firstBatch} after the first batch committed. */
	private static final class Batches implements MigrationListener {

		final AtomicLong scanned = new AtomicLong();

		private final AtomicBoolean ran = new AtomicBoolean();

		private final Runnable firstBatch;

		Batches(Runnable firstBatch) {
			this.firstBatch = firstBatch;
		}

		@Override
		public void batchCompleted(String migrationId, int operation, int rowsScanned, int rowsUpdated, Duration time) {
			this.scanned.addAndGet(rowsScanned);
			if (this.ran.compareAndSet(false, true)) {
				this.firstBatch.run();
			}
		}

	}

	private Orchestrator zdm(MigrationListener listener) {
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults()
			.withBackfill(BackfillSettings.defaults().withBatchSizes(500, 500, 500).withThrottle(ThrottleSettings.off()))
			.withListener(listener));
		zdm.install();
		return zdm;
	}

	private List<String> upperKeys(String id) {
		return this.db.queryStrings("SELECT coalesce(upper_key::text, 'open') FROM zdm.zdm_backfill_range "
				+ "WHERE migration_id = ? ORDER BY range_id", id);
	}

	@Test
	void rowsInsertedWhileTheBackfillRunsAreLeftToTheTriggerAndNotVisited() {
		this.db.execute("CREATE TABLE items (id bigint PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO items SELECT g, g / 100.0 FROM generate_series(1, 20000) g");
		Batches batches = new Batches(() -> this.db.execute(
				"INSERT INTO items SELECT g, g / 100.0 FROM generate_series(20001, 25000) g"));
		Orchestrator zdm = zdm(batches);
		zdm.start(Plan.builder("cents").changeColumnType("items", "price", "bigint", "round(price * 100)::bigint",
				"price / 100.0").build());
		zdm.advance("cents");
		assertThat(zdm.advance("cents").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(upperKeys("cents")).containsExactly("{20000}");
		// Each row the table had when the ranges were planned, visited once; the 5,000 inserted later not at all.
		assertThat(batches.scanned.get()).isEqualTo(20_000);
		assertThat(this.db.queryLong("SELECT count(*) FROM items WHERE price__zdm IS DISTINCT FROM round(price * 100)::bigint"))
			.isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM items")).isEqualTo(25_000);
		assertThat(zdm.advanceTo("cents", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void aCompositeKeyEndsAtItsGreatestKeyInKeyOrder() {
		this.db.execute("CREATE TABLE stock (site text, n int, qty numeric(10,2), PRIMARY KEY (site, n))",
				"INSERT INTO stock SELECT s, g, g FROM unnest(ARRAY['b', 'a']) s, generate_series(1, 3000) g");
		Batches batches = new Batches(() -> this.db.execute(
				"INSERT INTO stock SELECT 'b', g, g FROM generate_series(3001, 4000) g",
				"INSERT INTO stock SELECT 'c', g, g FROM generate_series(1, 1000) g"));
		Orchestrator zdm = zdm(batches);
		zdm.start(Plan.builder("qty").changeColumnType("stock", "qty", "integer", "round(qty)::integer", "qty::numeric")
			.build());
		zdm.advance("qty");
		assertThat(zdm.advance("qty").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(upperKeys("qty")).containsExactly("{b,3000}");
		assertThat(batches.scanned.get()).isEqualTo(6_000);
		assertThat(this.db.queryLong("SELECT count(*) FROM stock WHERE qty__zdm IS DISTINCT FROM round(qty)::integer"))
			.isZero();
		assertThat(zdm.advanceTo("qty", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void aRowOutOfStepBeyondThePlannedEndIsFoundAndTheRerunReachesIt() {
		this.db.execute("CREATE TABLE resumed (id bigint PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO resumed SELECT g, g / 100.0 FROM generate_series(1, 10000) g");
		Batches batches = new Batches(() -> {
			List<String> triggers = this.db.queryStrings(
					"SELECT tgname FROM pg_trigger WHERE tgrelid = 'resumed'::regclass AND NOT tgisinternal ORDER BY tgname");
			// Written behind the triggers' back: the rows beyond the planned end stay out of step.
			this.db.execute("ALTER TABLE resumed DISABLE TRIGGER USER",
					"INSERT INTO resumed SELECT g, g / 100.0 FROM generate_series(10001, 10100) g");
			for (String trigger : triggers) {
				this.db.execute("ALTER TABLE resumed ENABLE ALWAYS TRIGGER \"" + trigger + "\"");
			}
		});
		Orchestrator zdm = zdm(batches);
		zdm.start(Plan.builder("cents-rerun").changeColumnType("resumed", "price", "bigint", "round(price * 100)::bigint",
				"price / 100.0").build());
		zdm.advance("cents-rerun");
		// The triggers changed since the ranges were planned: verification scans the table and finds the 100 rows.
		assertThatThrownBy(() -> zdm.advance("cents-rerun")).isInstanceOf(MigrationException.class)
			.hasMessageContaining("found 100 rows whose new value differs");
		assertThat(upperKeys("cents-rerun")).containsExactly("open");
		assertThat(zdm.advance("cents-rerun").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(this.db.queryLong("SELECT count(*) FROM resumed WHERE price__zdm IS DISTINCT FROM round(price * 100)::bigint"))
			.isZero();
		assertThat(zdm.advanceTo("cents-rerun", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void anEmptyTableHasNothingToBackfillAndItsTriggersKeepLaterRows() {
		this.db.execute("CREATE TABLE empty_items (id bigint PRIMARY KEY, price numeric(10,2))");
		Orchestrator zdm = zdm(MigrationListener.NONE);
		zdm.start(Plan.builder("cents-empty").changeColumnType("empty_items", "price", "bigint", "round(price * 100)::bigint",
				"price / 100.0").build());
		zdm.advance("cents-empty");
		assertThat(zdm.advance("cents-empty").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(this.db.queryStrings("SELECT done::text || ' ' || coalesce(upper_key::text, 'open') FROM "
				+ "zdm.zdm_backfill_range WHERE migration_id = 'cents-empty'")).containsExactly("true open");
		this.db.execute("INSERT INTO empty_items VALUES (1, 1.25)");
		assertThat(zdm.advanceTo("cents-empty", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT price FROM empty_items WHERE id = 1")).isEqualTo(125);
	}

	@Test
	void aBackfillWithoutATriggerKeepsItsLastRangeOpen() {
		this.db.execute("CREATE TABLE untriggered (id bigint PRIMARY KEY, qty int)",
				"INSERT INTO untriggered SELECT g, CASE WHEN g % 2 = 0 THEN g END FROM generate_series(1, 2000) g");
		Orchestrator zdm = zdm(MigrationListener.NONE);
		zdm.start(Plan.builder("qty-fill").setNotNull("untriggered", "qty", "0").build());
		zdm.advance("qty-fill");
		assertThat(zdm.advance("qty-fill").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(upperKeys("qty-fill")).containsExactly("open");
		assertThat(this.db.queryLong("SELECT count(*) FROM untriggered WHERE qty IS NULL")).isZero();
	}

}

package dev.zdm.core.migration;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Acceptance: a rename and a type change on 100k rows, through every phase, while four sessions write
 * through the old column and then, after switch, through the new one.
 */
@ExtendWith(PostgresExtension.class)
class LifecycleUnderLoadTests {

	private static final int ROWS = 100_000;

	private static final int SESSIONS = 4;

	@Test
	void renameColumnUnderLoad(TestDatabase db) throws Exception {
		db.execute("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text)",
				"INSERT INTO users SELECT g, 'user' || g || '@example.com', 'n' || g FROM generate_series(1, " + ROWS + ") g");
		Orchestrator zdm = orchestrator(db);
		zdm.start(Plan.builder("rename-users-email").renameColumn("users", "email", "email_address").build());
		ConcurrentWriters.Shape shape = new ConcurrentWriters.Shape() {
			public String insert(boolean newColumn) {
				return "INSERT INTO users (id, " + column(newColumn) + ") VALUES (?, ?)";
			}

			public String update(boolean newColumn) {
				return "UPDATE users SET " + column(newColumn) + " = ? WHERE id = ?";
			}

			public Object value(long n, boolean newColumn) {
				return "w" + n + "@example.com";
			}

			public Object expected(Object written, boolean newColumn) {
				return written;
			}

			private String column(boolean newColumn) {
				return newColumn ? "email_address" : "email";
			}
		};
		ConcurrentWriters writers = new ConcurrentWriters(db.dataSource(), shape, SESSIONS, ROWS).start();
		try (writers) {
			runToSwitchUnderLoad(zdm, "rename-users-email", writers);
			assertThat(db.queryLong("SELECT count(*) FROM users WHERE email_address IS DISTINCT FROM email")).isZero();
		}
		assertThat(db.queryLong("SELECT count(*) FROM users WHERE email_address IS DISTINCT FROM email")).isZero();
		assertThat(writers.failures()).isEmpty();
		assertThat(zdm.advance("rename-users-email").phase()).isEqualTo(Phase.COMPLETED);

		assertThat(columns(db, "users")).containsExactly("id", "name", "email_address");
		assertThat(db.queryStrings("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email_address'"))
			.containsExactly("true");
		assertThat(db.queryLong("SELECT count(*) FROM users WHERE email_address IS NULL")).isZero();
		assertFinalValues(db, "SELECT id, email_address FROM users WHERE id = ANY (?)", writers.expected());
		assertThat(db.queryLong("SELECT count(*) FROM users WHERE id <= " + ROWS)).isEqualTo(ROWS);
		Object written = writers.expected().keySet().toArray(Long[]::new);
		assertThat(db.queryLong("SELECT count(*) FROM users WHERE id <= " + ROWS + " AND NOT (id = ANY (?)) "
				+ "AND email_address IS DISTINCT FROM 'user' || id || '@example.com'", written)).isZero();
		assertNoZdmObjectsLeft(db, "users");
	}

	@Test
	void changeColumnTypeUnderLoad(TestDatabase db) throws Exception {
		db.execute("CREATE TABLE products (id bigint PRIMARY KEY, price numeric(10,2) NOT NULL, name text)",
				"INSERT INTO products SELECT g, g / 100.0, 'p' || g FROM generate_series(1, " + ROWS + ") g");
		Orchestrator zdm = orchestrator(db);
		zdm.start(Plan.builder("products-price-cents").changeColumnType("products", "price", "integer",
				"round(price * 100)::integer", "price / 100.0").build());
		ConcurrentWriters.Shape shape = new ConcurrentWriters.Shape() {
			// New code sees the final shape through the version schema's view: an integer "price".
			public String insert(boolean newColumn) {
				return "INSERT INTO " + table(newColumn) + " (id, price) VALUES (?, ?)";
			}

			public String update(boolean newColumn) {
				return "UPDATE " + table(newColumn) + " SET price = ? WHERE id = ?";
			}

			public Object value(long n, boolean newColumn) {
				long cents = n % 10_000_000;
				return newColumn ? (Object) (int) cents : BigDecimal.valueOf(cents, 2);
			}

			public Object expected(Object written, boolean newColumn) {
				return newColumn ? ((Integer) written).longValue()
						: ((BigDecimal) written).movePointRight(2).longValueExact();
			}

			private String table(boolean newColumn) {
				return newColumn ? "zdm_products_price_cents.products" : "products";
			}
		};
		ConcurrentWriters writers = new ConcurrentWriters(db.dataSource(), shape, SESSIONS, ROWS).start();
		try (writers) {
			runToSwitchUnderLoad(zdm, "products-price-cents", writers);
		}
		assertThat(writers.failures()).isEmpty();
		assertThat(db.queryLong("SELECT count(*) FROM products WHERE price__zdm IS DISTINCT FROM round(price * 100)::integer"))
			.isZero();
		assertThat(db.queryLong("SELECT count(*) FROM products WHERE price IS DISTINCT FROM price__zdm / 100.0")).isZero();
		assertThat(db.queryStrings("SELECT pg_get_viewdef('zdm_products_price_cents.products'::regclass)").get(0))
			.contains("price__zdm AS price").doesNotContain("products.price,");
		assertThat(zdm.advance("products-price-cents").phase()).isEqualTo(Phase.COMPLETED);

		assertThat(db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'zdm_products_price_cents'")).isZero();
		assertThat(columns(db, "products")).containsExactly("id", "name", "price");
		assertThat(db.queryStrings("SELECT format_type(atttypid, atttypmod) || ' ' || attnotnull FROM pg_attribute "
				+ "WHERE attrelid = 'products'::regclass AND attname = 'price'")).containsExactly("integer true");
		assertFinalValues(db, "SELECT id, price::bigint FROM products WHERE id = ANY (?)", writers.expected());
		Object written = writers.expected().keySet().toArray(Long[]::new);
		assertThat(db.queryLong("SELECT count(*) FROM products WHERE id <= " + ROWS + " AND NOT (id = ANY (?))", written))
			.isGreaterThan(1000);
		assertThat(db.queryLong("SELECT count(*) FROM products WHERE id <= " + ROWS + " AND NOT (id = ANY (?)) "
				+ "AND price IS DISTINCT FROM id", written)).isZero();
		assertNoZdmObjectsLeft(db, "products");
	}

	private static Orchestrator orchestrator(TestDatabase db) {
		// The active-sessions signal off: the 4 writers would hold it on, and the backfill slowed to a seventeenth of
		// its pace would leave them time to write nearly every row before it reaches them (one run left 182 of
		// 100,000 unwritten), while these tests need most rows written by the backfill alone. Politeness under load
		// is BackfillThrottleTests' and the load benchmark's.
		Orchestrator zdm = new Orchestrator(db.dataSource(), ZdmSettings.defaults()
			.withBackfill(BackfillSettings.defaults().withBatchSizes(1000, 100, 5000)
				.withThrottle(ThrottleSettings.defaults().withMaxActiveSessions(0))));
		zdm.install();
		return zdm;
	}

	/** Expand, backfill and switch while the writers write; then let them write through the new column. */
	private static void runToSwitchUnderLoad(Orchestrator zdm, String id, ConcurrentWriters writers) {
		await().until(() -> writers.writes() > 200);
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		long afterExpand = writers.writes();
		await().until(() -> writers.writes() > afterExpand + 200);
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(zdm.status(id).backfill().rowsDone()).isGreaterThan(0);
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.SWITCHED);
		writers.useNewColumn();
		await().until(() -> writers.writesThroughNew() > 500);
	}

	private static void assertFinalValues(TestDatabase db, String query, Map<Long, Object> expected) {
		assertThat(expected).isNotEmpty();
		List<List<Object>> rows = db.query(query, (Object) expected.keySet().toArray(Long[]::new));
		assertThat(rows).hasSize(expected.size());
		for (List<Object> row : rows) {
			long id = ((Number) row.get(0)).longValue();
			Object actual = (row.get(1) instanceof Number number) ? (Object) number.longValue() : row.get(1);
			assertThat(actual).as("final value of id %d", id).isEqualTo(expected.get(id));
		}
	}

	static List<String> columns(TestDatabase db, String table) {
		return db.queryStrings("SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 "
				+ "AND NOT attisdropped ORDER BY attnum", table);
	}

	static void assertNoZdmObjectsLeft(TestDatabase db, String table) {
		assertThat(db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'zdm\\_%'")).isZero();
		assertThat(db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = ?::regclass AND NOT tgisinternal", table))
			.isZero();
		assertThat(db.queryLong("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
				+ "WHERE n.nspname = 'zdm'")).isZero();
		assertThat(db.queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = ?::regclass AND conname LIKE 'zdm%'",
				table)).isZero();
		assertThat(db.queryLong("SELECT count(*) FROM pg_attribute WHERE attrelid = ?::regclass AND attname LIKE '%zdm%' "
				+ "AND NOT attisdropped", table)).isZero();
	}

}

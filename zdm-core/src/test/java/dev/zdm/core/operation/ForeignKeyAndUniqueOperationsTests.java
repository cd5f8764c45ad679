package dev.zdm.core.operation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.core.plan.PlanProblem;
import dev.zdm.core.state.MigrationEvent;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code addForeignKey} and {@code addUniqueConstraint}: bad input is refused before any DDL with the plan, the
 * operation and the fix, leaving the catalog as it was; orphans and duplicates are refused with their keys and
 * values, or removed by the plan's policy in the backfill while sessions write, every row removed reported and
 * every other write kept; zdm drops on rollback only what it built.
 */
@ExtendWith(PostgresExtension.class)
class ForeignKeyAndUniqueOperationsTests {

	private static final Pattern REMOVED = Pattern.compile("keys \\([^)]*\\) = (.*)$");

	private final TestDatabase db;

	private Orchestrator zdm;

	ForeignKeyAndUniqueOperationsTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void setUp() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS invoices, orders, customers CASCADE",
				"CREATE TABLE customers (id bigint PRIMARY KEY, code text CONSTRAINT customers_code_key UNIQUE, name text)",
				"INSERT INTO customers SELECT g, 'c' || g, 'n' || g FROM generate_series(1, 20) g",
				"CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, customer_code text, note text, "
						+ "qty integer NOT NULL DEFAULT 0, seen timestamptz)",
				"INSERT INTO orders SELECT g, g % 20 + 1, 'c' || (g % 20 + 1), 'o' || g, g FROM generate_series(1, 200) g");
		this.zdm = orchestrator(BackfillSettings.defaults());
	}

	private Orchestrator orchestrator(BackfillSettings backfill) {
		Orchestrator orchestrator = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults().withBackfill(backfill));
		orchestrator.install();
		return orchestrator;
	}

	// ---- reading the plan ----

	@Test
	void argumentsAreReadWithTheirLines() {
		assertThatThrownBy(() -> new PlanLoader().load("""
				id: bad-args
				operations:
				  - addForeignKey: {table: orders, columns: [customer_id], references: customers, orphans: drop}
				  - addForeignKey: {table: orders, columns: [customer_id], references: {table: customers, columns: [id, code]}}
				  - addForeignKey: {table: orders, columns: [customer_id], references: {table: customers, columns: [id]}, onDelete: explode}
				  - addUniqueConstraint: {table: orders, columns: [note], duplicates: keep-newest-by}
				  - addUniqueConstraint: {table: orders, columns: [note], duplicates: {keep-latest: id}}
				""", "args.yaml")).isInstanceOfSatisfying(PlanException.class, (ex) -> assertThat(ex.problems())
			.extracting(PlanProblem::toString)
			.satisfiesExactly(
					(problem) -> assertThat(problem).startsWith("args.yaml:3:").contains("operation 1 (addForeignKey): "
							+ "'references' must be a mapping with keys columns, table"),
					(problem) -> assertThat(problem).startsWith("args.yaml:3:").contains("operation 1 (addForeignKey): "
							+ "'orphans' must be one of refuse, delete, nullify"),
					(problem) -> assertThat(problem).startsWith("args.yaml:4:").contains("operation 2 (addForeignKey): "
							+ "'columns' names 1 columns and 'references.columns' 2"),
					(problem) -> assertThat(problem).startsWith("args.yaml:5:").contains("operation 3 (addForeignKey): "
							+ "'onDelete' must be one of no-action, restrict, cascade, set-null, set-default"),
					(problem) -> assertThat(problem).startsWith("args.yaml:6:").contains("operation 4 "
							+ "(addUniqueConstraint): 'duplicates: keep-newest-by' needs the column that orders the rows of a "
							+ "value: write duplicates: {keep-newest-by: <column>}"),
					(problem) -> assertThat(problem).startsWith("args.yaml:7:").contains("operation 5 "
							+ "(addUniqueConstraint): unknown key 'keep-latest': expected one of keep-newest-by, keep-oldest-by")));
	}

	// ---- addForeignKey: refused before any DDL ----

	@Test
	void addForeignKeyRefusesBadInputBeforeAnyDdl() {
		assertRefused("""
				id: fk-missing-table
				operations:
				  - addForeignKey: {table: orders, columns: [customer_id], references: {table: customerz, columns: [id]}}
				""", "the referenced table \"customerz\" does not exist. Fix 'references.table'");
		assertRefused("""
				id: fk-type-mismatch
				operations:
				  - addForeignKey: {table: orders, columns: [customer_code], references: {table: customers, columns: [id]}}
				""", "the types of the columns do not match (\"customer_code\" is text and \"id\" is bigint): ERROR: foreign "
				+ "key constraint \"orders_customer_code_fkey\" cannot be implemented. Change the referencing column to the "
				+ "referenced type first (changeColumnType), then add the foreign key.");
		assertRefused("""
				id: fk-not-unique
				operations:
				  - addForeignKey: {table: orders, columns: [customer_code], references: {table: customers, columns: [name]}}
				""", "the referenced columns (name) of public.customers carry no primary key or unique constraint, which a "
				+ "foreign key needs to find one row per key (its unique keys: (id), (code)). Reference a unique key, or add a "
				+ "unique constraint on those columns first (addUniqueConstraint).");
		assertRefused("""
				id: fk-missing-column
				operations:
				  - addForeignKey: {table: orders, columns: [customer], references: {table: customers, columns: [idd]}}
				""", "table public.orders has no column \"customer\". Known columns: id, customer_id, customer_code, note, "
				+ "qty, seen.", "the referenced table public.customers has no column \"idd\". Known columns: id, code, name.");
		assertRefused("""
				id: fk-taken-name
				operations:
				  - addForeignKey: {table: orders, name: orders_pkey, columns: [customer_id], references: {table: customers, columns: [id]}}
				""", "table public.orders already has a constraint \"orders_pkey\": choose another 'name'.");
		this.db.execute("CREATE TABLE orders_customer_id_fkey_idx (x int)");
		assertRefused("""
				id: fk-taken-index-name
				operations:
				  - addForeignKey: {table: orders, columns: [customer_id], references: {table: customers, columns: [id]}}
				""", "zdm would build an index on (customer_id) named \"orders_customer_id_fkey_idx\", but that name is taken "
				+ "in schema public");
		this.db.execute("DROP TABLE orders_customer_id_fkey_idx");
		this.db.execute("UPDATE orders SET customer_id = 900 + id WHERE id IN (3, 7)");
		assertRefused("""
				id: fk-orphans
				operations:
				  - addForeignKey: {table: orders, columns: [customer_id], references: {table: customers, columns: [id]}}
				""", "2 rows of public.orders reference no row of public.customers ((customer_id) references (id)), for example "
				+ "the rows with (id) = (3) holding (903), (7) holding (907). Delete those rows, point them at existing rows or "
				+ "set their (customer_id) to NULL, then start again; or choose 'orphans: delete' or 'orphans: nullify'");
		assertRefused("""
				id: fk-nullify-not-null
				operations:
				  - addForeignKey: {table: orders, columns: [qty], references: {table: customers, columns: [id]}, orphans: nullify}
				""", "column \"qty\" of public.orders is NOT NULL, so 'orphans: nullify' cannot set it to NULL");
		this.db.execute("CREATE TABLE invoices (id bigint, customer_id bigint, PRIMARY KEY (id)) PARTITION BY RANGE (id)");
		assertRefused("""
				id: fk-partitioned
				operations:
				  - addForeignKey: {table: invoices, columns: [customer_id], references: {table: customers, columns: [id]}}
				""", "table public.invoices is partitioned: PostgreSQL cannot add a foreign key NOT VALID to it, nor build "
				+ "an index on it CONCURRENTLY");
		assertRefused("""
				id: unique-partitioned
				operations:
				  - addUniqueConstraint: {table: invoices, columns: [id, customer_id]}
				""", "table public.invoices is partitioned: PostgreSQL cannot build an index on it CONCURRENTLY");
		this.db.execute("DROP TABLE invoices");
		this.db.execute("CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint REFERENCES orders ON DELETE CASCADE)");
		assertRefused("""
				id: fk-delete-referenced
				operations:
				  - addForeignKey: {table: orders, columns: [customer_id], references: {table: customers, columns: [id]}, orphans: delete}
				""", "'orphans: delete' would delete rows of public.orders that other rows reference (invoices_order_id_fkey of "
				+ "invoices (ON DELETE CASCADE)): their deletes would cascade to rows nobody chose, or fail. Use "
				+ "'orphans: nullify'");
	}

	// ---- addForeignKey: what it does ----

	@Test
	void addForeignKeyBuildsAnIndexAddsTheConstraintNotValidAndCountsOrphansBeforeValidate() {
		Plan plan = Plan.builder("orders-customer-fk").addForeignKey("orders", List.of("customer_id"), "customers",
				List.of("id")).build();
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertThat(indexDefinition("orders_customer_id_fkey_idx"))
			.isEqualTo("CREATE INDEX orders_customer_id_fkey_idx ON public.orders USING btree (customer_id) valid true");
		assertThat(constraint("orders_customer_id_fkey"))
			.isEqualTo("FOREIGN KEY (customer_id) REFERENCES customers(id) NOT VALID validated false");
		// NOT VALID: new writes are checked already.
		assertThatThrownBy(() -> this.db.execute("UPDATE orders SET customer_id = 999 WHERE id = 1"))
			.hasMessageContaining("violates foreign key constraint \"orders_customer_id_fkey\"");
		// A writer that bypasses the check (replication, a bulk load) leaves an orphan behind.
		this.db.execute("SET session_replication_role = replica",
				"INSERT INTO orders (id, customer_id) VALUES (201, 999)", "SET session_replication_role = origin");
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThatThrownBy(() -> this.zdm.advance(plan.id()))
			.hasMessageContaining("1 rows of public.orders reference no row of public.customers ((customer_id) references "
					+ "(id)), for example the rows with (id) = (201) holding (999). Delete those rows, point them at existing "
					+ "rows or set their referencing columns to NULL, then advance again; or roll the migration back.");
		assertThat(this.zdm.status(plan.id()).phase()).isEqualTo(Phase.SWITCHED);
		this.db.execute("UPDATE orders SET customer_id = 1 WHERE id = 201");
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(constraint("orders_customer_id_fkey"))
			.isEqualTo("FOREIGN KEY (customer_id) REFERENCES customers(id) validated true");
		assertThat(indexDefinition("orders_customer_id_fkey_idx")).endsWith("valid true");
	}

	@Test
	void addForeignKeyRollbackDropsTheConstraintAndOnlyAnIndexZdmBuilt() {
		String before = catalog();
		Plan built = Plan.builder("orders-fk-built").addForeignKey("orders", List.of("customer_id"), "customers",
				List.of("id")).build();
		this.zdm.start(built);
		assertThat(this.zdm.advanceTo(built.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(indexDefinition("orders_customer_id_fkey_idx")).endsWith("valid true");
		assertThat(this.zdm.rollback(built.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(before);

		// An index that leads with the column serves the foreign key: zdm builds none, and a rollback keeps it.
		this.db.execute("CREATE INDEX orders_customer_note_idx ON orders (customer_id, note)");
		String withIndex = catalog();
		Plan existing = Plan.builder("orders-fk-existing").addForeignKey("orders", List.of("customer_id"), "customers",
				List.of("id")).build();
		this.zdm.start(existing);
		assertThat(this.zdm.advance(existing.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertThat(indexDefinition("orders_customer_id_fkey_idx")).isNull();
		assertThat(this.zdm.rollback(existing.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(withIndex);
		this.db.execute("DROP INDEX orders_customer_note_idx");

		// 'index: false' opts out.
		Plan optOut = new PlanLoader().load("""
				id: orders-fk-no-index
				operations:
				  - addForeignKey:
				      table: orders
				      name: orders_customer_fk
				      columns: [customer_code]
				      references: {table: customers, columns: [code]}
				      onDelete: set-null
				      index: false
				""", "p.yaml");
		this.zdm.start(optOut);
		assertThat(this.zdm.advanceTo(optOut.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(constraint("orders_customer_fk"))
			.isEqualTo("FOREIGN KEY (customer_code) REFERENCES customers(code) ON DELETE SET NULL validated true");
		assertThat(indexDefinition("orders_customer_fk_idx")).isNull();
	}

	@Test
	void orphansDeletedInBatchesWhileSessionsWriteEveryDeletedRowReportedEveryOtherWriteKept() throws Exception {
		removeOrphansWhileSessionsWrite("delete");
	}

	@Test
	void orphansNullifiedInBatchesWhileSessionsWriteEveryChangedRowReportedEveryOtherWriteKept() throws Exception {
		removeOrphansWhileSessionsWrite("nullify");
	}

	private void removeOrphansWhileSessionsWrite(String policy) throws Exception {
		int rows = 4000;
		this.db.execute("TRUNCATE orders",
				"INSERT INTO orders SELECT g, CASE WHEN g % 40 = 0 THEN 1000 + g ELSE g % 20 + 1 END, NULL, 'o' || g, g "
						+ "FROM generate_series(1, " + rows + ") g");
		Set<Long> orphans = new HashSet<>();
		for (long id = 40; id <= rows; id += 40) {
			orphans.add(id);
		}
		// The active-sessions signal off: the 4 sessions below would slow each of the 200 small batches of a pass to a
		// seventeenth of its pace (the signal has its own tests); what this test checks is what the writes leave.
		Orchestrator zdm = orchestrator(BackfillSettings.defaults().withBatchSizes(20, 10, 40).withPause(Duration.ofMillis(5))
			.withThrottle(ThrottleSettings.defaults().withMaxActiveSessions(0)));
		Plan plan = new PlanLoader().load("id: orders-fk-" + policy + "\noperations:\n  - addForeignKey: {table: orders, "
				+ "columns: [customer_id], references: {table: customers, columns: [id]}, orphans: " + policy + "}\n", "p.yaml");
		zdm.start(plan);
		assertThat(zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);

		Map<Long, String> notes = new ConcurrentHashMap<>();
		Set<Long> fixed = ConcurrentHashMap.newKeySet();
		Set<Long> inserted = ConcurrentHashMap.newKeySet();
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong writes = new AtomicLong();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		List<Thread> sessions = new ArrayList<>();
		for (int s = 0; s < 4; s++) {
			int session = s;
			Thread thread = new Thread(() -> {
				long n = 0;
				try (Connection connection = this.db.dataSource().getConnection();
						Statement statement = connection.createStatement()) {
					while (running.get()) {
						n++;
						if (session < 2) {
							// Notes of any row, orphans included: a write to a row the policy deletes is lost with it.
							// Each of the two sessions owns half the rows (odd, even), so the last note it records for
							// a row is the row's last: two sessions racing on one row would record in another order
							// than they commit.
							long row = 2 * ThreadLocalRandom.current().nextLong(rows / 2) + 1 + session;
							String note = "s" + session + "-" + n;
							if (statement.executeUpdate("UPDATE orders SET note = '" + note + "' WHERE id = " + row) == 1) {
								notes.put(row, note);
							}
						}
						else if (session == 2 && n <= 500) {
							long row = 100_000 + n;
							statement.executeUpdate("INSERT INTO orders (id, customer_id, note) VALUES (" + row + ", "
									+ (n % 20 + 1) + ", 'new')");
							inserted.add(row);
						}
						else if (session == 2) {
							statement.executeQuery("SELECT note FROM orders WHERE id = " + (n % rows + 1)).close();
						}
						else {
							// Fixes orphans, racing the backfill: a row fixed first must stay.
							long row = 40 * (ThreadLocalRandom.current().nextLong(rows / 40) + 1);
							if (statement.executeUpdate("UPDATE orders SET customer_id = 1 WHERE id = " + row
									+ " AND customer_id = 1000 + id") == 1) {
								fixed.add(row);
							}
						}
						writes.incrementAndGet();
					}
				}
				catch (SQLException | RuntimeException ex) {
					failures.add(ex);
				}
			}, "writer-" + s);
			thread.start();
			sessions.add(thread);
		}
		try {
			await().until(() -> writes.get() > 50);
			assertThat(zdm.advance(plan.id()).phase()).isEqualTo(Phase.BACKFILLED);
			long atBackfilled = writes.get();
			await().until(() -> writes.get() > atBackfilled + 50);
		}
		finally {
			running.set(false);
			for (Thread thread : sessions) {
				thread.join();
			}
		}
		assertThat(failures).isEmpty();
		assertThat(zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(constraint("orders_customer_id_fkey"))
			.isEqualTo("FOREIGN KEY (customer_id) REFERENCES customers(id) validated true");

		Set<Long> reported = reportedKeys(zdm, plan.id());
		Set<Long> expectedReported = new HashSet<>(orphans);
		expectedReported.removeAll(fixed);
		assertThat(reported).as("every orphan not fixed meanwhile is reported, and nothing else")
			.isEqualTo(expectedReported);
		Map<Long, List<Object>> actual = new HashMap<>();
		for (List<Object> row : this.db.query("SELECT id, customer_id, note FROM orders")) {
			actual.put(((Number) row.get(0)).longValue(), row);
		}
		for (long id = 1; id <= rows; id++) {
			boolean removed = reported.contains(id);
			if (removed && "delete".equals(policy)) {
				assertThat(actual).as("row %s deleted", id).doesNotContainKey(id);
				continue;
			}
			assertThat(actual).as("row %s kept", id).containsKey(id);
			List<Object> row = actual.get(id);
			Object customer = row.get(1);
			if (removed) {
				assertThat(customer).as("customer of row %s", id).isNull();
			}
			else if (fixed.contains(id)) {
				assertThat(((Number) customer).longValue()).isEqualTo(1);
			}
			else {
				assertThat(((Number) customer).longValue()).as("customer of row %s", id).isEqualTo(id % 20 + 1);
			}
			assertThat(row.get(2)).as("note of row %s", id).isEqualTo(notes.getOrDefault(id, "o" + id));
		}
		for (long id : inserted) {
			assertThat(actual).containsKey(id);
		}
		assertThat(this.db.queryLong("SELECT count(*) FROM orders")).isEqualTo(rows + inserted.size()
				- ("delete".equals(policy) ? reported.size() : 0));
		assertThat(zdm.events(plan.id())).filteredOn((event) -> "warning".equals(event.action()))
			.singleElement()
			.satisfies((event) -> assertThat(event.detail()).contains("100 rows of public.orders reference no row of "
					+ "public.customers").contains("'orphans: " + policy + "'"));
	}

	@Test
	void aCompositeForeignKeyWorksWithCatalogNamesOfAnyShapeAndSkipsRowsWithANull() {
		// The plan names mixed-case tables and columns; the key zdm walks and reports, "Row Id", only the catalog.
		this.db.execute("DROP TABLE IF EXISTS \"LineItems\", \"Parts\" CASCADE",
				"CREATE TABLE \"Parts\" (\"Maker\" integer, \"PartNo\" text, PRIMARY KEY (\"Maker\", \"PartNo\"))",
				"INSERT INTO \"Parts\" VALUES (1, 'x'), (2, 'y')",
				"CREATE TABLE \"LineItems\" (\"Row Id\" bigint PRIMARY KEY, \"Maker\" integer, \"PartNo\" text)",
				"INSERT INTO \"LineItems\" SELECT g, 2 - g % 2, CASE WHEN g % 2 = 0 THEN 'y' ELSE 'x' END "
						+ "FROM generate_series(1, 30) g",
				// Orphans: (3, z) and (1, y); a NULL in the key is never checked (MATCH SIMPLE).
				"UPDATE \"LineItems\" SET \"Maker\" = 3, \"PartNo\" = 'z' WHERE \"Row Id\" = 7",
				"UPDATE \"LineItems\" SET \"Maker\" = 1, \"PartNo\" = 'y' WHERE \"Row Id\" = 12",
				"UPDATE \"LineItems\" SET \"Maker\" = NULL, \"PartNo\" = 'z' WHERE \"Row Id\" = 15");
		assertRefused("""
				id: parts-fk-refused
				operations:
				  - addForeignKey: {table: LineItems, columns: [Maker, PartNo], references: {table: Parts, columns: [Maker, PartNo]}}
				""", "2 rows of public.LineItems reference no row of public.Parts ((Maker, PartNo) references (Maker, PartNo)), "
				+ "for example the rows with (Row Id) = (7) holding (3,z), (12) holding (1,y)");
		Plan plan = new PlanLoader().load("""
				id: parts-fk
				operations:
				  - addForeignKey:
				      table: LineItems
				      name: LineItems_part_fk
				      columns: [Maker, PartNo]
				      references: {table: Parts, columns: [Maker, PartNo]}
				      orphans: nullify
				""", "p.yaml");
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(constraint("LineItems_part_fk")).isEqualTo("FOREIGN KEY (\"Maker\", \"PartNo\") REFERENCES "
				+ "\"Parts\"(\"Maker\", \"PartNo\") validated true");
		assertThat(indexDefinition("LineItems_part_fk_idx")).isEqualTo("CREATE INDEX \"LineItems_part_fk_idx\" ON "
				+ "public.\"LineItems\" USING btree (\"Maker\", \"PartNo\") valid true");
		assertThat(reportedKeys(this.zdm, plan.id())).containsExactlyInAnyOrder(7L, 12L);
		assertThat(this.db.queryStrings("SELECT \"Row Id\" || ':' || coalesce(\"Maker\"::text, '-') || ':' || "
				+ "coalesce(\"PartNo\", '-') FROM \"LineItems\" WHERE \"Row Id\" IN (7, 12, 15) ORDER BY \"Row Id\""))
			.containsExactly("7:-:-", "12:-:-", "15:-:z");
		assertThat(this.db.queryLong("SELECT count(*) FROM \"LineItems\"")).isEqualTo(30);
	}

	// ---- addUniqueConstraint: refused before any DDL ----

	@Test
	void addUniqueConstraintRefusesBadInputBeforeAnyDdl() {
		this.db.execute("UPDATE orders SET note = 'dup' WHERE id IN (4, 5, 6)", "UPDATE orders SET note = 'dup2' WHERE id IN (8, 9)");
		assertRefused("""
				id: unique-duplicates
				operations:
				  - addUniqueConstraint: {table: orders, columns: [note], duplicates: refuse}
				""", "2 values of (note) are held by more than one row of public.orders (5 rows), for example (dup) in 3 rows; "
				+ "(dup2) in 2 rows. Remove or merge the duplicates, then start again; or choose 'duplicates: "
				+ "{keep-newest-by: <column>}'");
		assertRefused("""
				id: unique-taken-constraint
				operations:
				  - addUniqueConstraint: {table: orders, name: orders_pkey, columns: [id, qty]}
				""", "table public.orders already has a constraint \"orders_pkey\": choose another 'name'.");
		assertRefused("""
				id: unique-taken-relation
				operations:
				  - addUniqueConstraint: {table: orders, name: customers, columns: [id, qty]}
				""", "the name \"customers\" is taken in schema public (the constraint's index takes it");
		assertRefused("""
				id: unique-missing-columns
				operations:
				  - addUniqueConstraint: {table: orders, columns: [nope], duplicates: {keep-newest-by: created}}
				""", "table public.orders has no column \"nope\", \"created\" (the column of 'duplicates: keep-newest-by'). "
				+ "Known columns: id, customer_id, customer_code, note, qty, seen.");
		this.db.execute("CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint REFERENCES orders)");
		assertRefused("""
				id: unique-delete-referenced
				operations:
				  - addUniqueConstraint: {table: orders, columns: [note], duplicates: {keep-oldest-by: qty}}
				""", "'duplicates: keep-oldest-by' would delete rows of public.orders that other tables may reference "
				+ "(invoices_order_id_fkey of invoices (ON DELETE NO ACTION))");
	}

	// ---- addUniqueConstraint: what it does ----

	@Test
	void addUniqueConstraintBuildsTheIndexConcurrentlyAndAttachesItInContractRollbackDropsOnlyIt() {
		String before = catalog();
		Plan plan = Plan.builder("orders-note-unique").addUniqueConstraint("orders", List.of("note"), "refuse", null).build();
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(indexDefinition("orders_note_key"))
			.isEqualTo("CREATE UNIQUE INDEX orders_note_key ON public.orders USING btree (note) valid true");
		assertThat(constraint("orders_note_key")).isNull();
		assertThat(this.zdm.rollback(plan.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(before);

		Plan again = Plan.builder("orders-note-unique-2").addUniqueConstraint("orders", List.of("note"), "refuse", null)
			.build();
		this.zdm.start(again);
		assertThat(this.zdm.advanceTo(again.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(constraint("orders_note_key")).isEqualTo("UNIQUE (note) validated true");
	}

	@Test
	void keepOldestByDeletesAllButTheOldestRowOfEachValueNullsLastThenTheLeastKey() {
		this.db.execute("UPDATE orders SET seen = now() - id * interval '1 hour'",
				// (a): 10 is the oldest; (b): 20 has no time, so 21 is the oldest; (c): a tie, the least key (31) stays.
				"UPDATE orders SET note = 'a' WHERE id IN (10, 11, 12)",
				"UPDATE orders SET seen = now() - interval '1 year' WHERE id = 10",
				"UPDATE orders SET note = 'b', seen = CASE id WHEN 20 THEN NULL ELSE seen END WHERE id IN (20, 21)",
				"UPDATE orders SET note = 'c', seen = '2020-01-01' WHERE id IN (31, 32)",
				// Rows without a value never conflict.
				"UPDATE orders SET note = NULL WHERE id IN (50, 51)");
		Plan plan = new PlanLoader().load("""
				id: orders-note-oldest
				operations:
				  - addUniqueConstraint: {table: orders, columns: [note], duplicates: {keep-oldest-by: seen}}
				""", "p.yaml");
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.BACKFILLED).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(this.db.queryStrings("SELECT note || ':' || id FROM orders WHERE note IN ('a', 'b', 'c') ORDER BY note"))
			.containsExactly("a:10", "b:21", "c:31");
		assertThat(this.db.queryLong("SELECT count(*) FROM orders WHERE note IS NULL")).isEqualTo(2);
		assertThat(reportedKeys(this.zdm, plan.id())).containsExactlyInAnyOrder(11L, 12L, 20L, 32L);
		// No index led with (note): zdm built one for the batches' lookups, and drops it once the unique one exists.
		String lookup = ObjectNames.base(plan.id(), 1) + "_lookup";
		assertThat(indexDefinition(lookup))
			.isEqualTo("CREATE INDEX " + lookup + " ON public.orders USING btree (note) valid true");
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(constraint("orders_note_key")).isEqualTo("UNIQUE (note) validated true");
		assertThat(indexDefinition(lookup)).isNull();
	}

	@Test
	void rollbackOfARemovalPolicyDropsWhatZdmBuiltAndKeepsTheDeletedRowsReported() {
		this.db.execute("UPDATE orders SET note = 'dup' WHERE id IN (4, 5, 6)");
		String before = catalog();
		Plan plan = Plan.builder("orders-note-back").addUniqueConstraint("orders", List.of("note"), "keep-newest-by", "qty")
			.build();
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(indexDefinition("orders_note_key")).endsWith("valid true");
		assertThat(this.zdm.rollback(plan.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(catalog()).isEqualTo(before);
		// The rows the policy deleted stay deleted: a rollback cannot bring them back, the events say which.
		assertThat(this.db.queryStrings("SELECT id::text FROM orders WHERE note = 'dup'")).containsExactly("6");
		assertThat(reportedKeys(this.zdm, plan.id())).containsExactlyInAnyOrder(4L, 5L);
	}

	@Test
	void keepNewestByDeletesDuplicatesInBatchesWhileSessionsWriteEveryDeletedRowReportedEveryOtherWriteKept()
			throws Exception {
		int rows = 4000;
		// Each value k0..k399 is held by 10 rows; ids above 4000 hold unique values.
		this.db.execute("TRUNCATE orders", "INSERT INTO orders (id, customer_id, note, qty) SELECT g, 1, 'k' || (g % 400), "
				+ "g FROM generate_series(1, " + rows + ") g");
		// The active-sessions signal off: the 4 sessions below would slow each of the 200 small batches of a pass to a
		// seventeenth of its pace (the signal has its own tests); what this test checks is what the writes leave.
		Orchestrator zdm = orchestrator(BackfillSettings.defaults().withBatchSizes(20, 10, 40).withPause(Duration.ofMillis(5))
			.withThrottle(ThrottleSettings.defaults().withMaxActiveSessions(0)));
		Plan plan = Plan.builder("orders-note-newest").addUniqueConstraint("orders", List.of("note"), "keep-newest-by", "qty")
			.build();
		zdm.start(plan);
		assertThat(zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		Map<Long, Long> qty = new ConcurrentHashMap<>();
		Set<Long> inserted = ConcurrentHashMap.newKeySet();
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong writes = new AtomicLong();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		List<Thread> sessions = new ArrayList<>();
		for (int s = 0; s < 4; s++) {
			int session = s;
			Thread thread = new Thread(() -> {
				long n = 0;
				try (Connection connection = this.db.dataSource().getConnection();
						Statement statement = connection.createStatement()) {
					while (running.get()) {
						n++;
						if (session < 3) {
							// Writes that change which row of a value is the newest, racing the backfill. Each of the
							// three sessions owns a third of the rows, so the last value it records for a row is the
							// row's last: sessions racing on one row would record in another order than they commit.
							long row = 3 * ThreadLocalRandom.current().nextLong(rows / 3) + 1 + session;
							long value = 10_000 * (session + 1) + n;
							if (statement.executeUpdate("UPDATE orders SET qty = " + value + " WHERE id = " + row) == 1) {
								qty.put(row, value);
							}
						}
						else if (n <= 500) {
							long row = 100_000 + n;
							statement.executeUpdate("INSERT INTO orders (id, note, qty) VALUES (" + row + ", 'u" + row + "', 0)");
							inserted.add(row);
						}
						else {
							statement.executeQuery("SELECT note FROM orders WHERE id = " + (n % rows + 1)).close();
						}
						writes.incrementAndGet();
					}
				}
				catch (SQLException | RuntimeException ex) {
					failures.add(ex);
				}
			}, "writer-" + s);
			thread.start();
			sessions.add(thread);
		}
		try {
			await().until(() -> writes.get() > 50);
			// A write that makes another row of a value the newest after its batch passed leaves two rows of it:
			// verification finds them and resets the backfill, and advancing again removes them.
			int passes = 1;
			while (true) {
				try {
					assertThat(zdm.advance(plan.id()).phase()).isEqualTo(Phase.BACKFILLED);
					break;
				}
				catch (MigrationException ex) {
					assertThat(ex).hasMessageContaining("rows that the plan's policy removes (orphans, duplicates) written "
							+ "while the backfill ran; the backfill was reset: advance again to remove them too.");
					assertThat(++passes).as("backfill passes").isLessThan(20);
				}
			}
			System.out.printf("keep-newest-by under concurrent writes: BACKFILLED after %d passes%n", passes);
			long atBackfilled = writes.get();
			await().until(() -> writes.get() > atBackfilled + 50);
		}
		finally {
			running.set(false);
			for (Thread thread : sessions) {
				thread.join();
			}
		}
		assertThat(failures).isEmpty();
		assertThat(zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(constraint("orders_note_key")).isEqualTo("UNIQUE (note) validated true");

		Set<Long> reported = reportedKeys(zdm, plan.id());
		assertThat(reported).hasSize(rows - 400);
		Map<Long, List<Object>> actual = new HashMap<>();
		for (List<Object> row : this.db.query("SELECT id, note, qty FROM orders")) {
			actual.put(((Number) row.get(0)).longValue(), row);
		}
		Set<String> values = new HashSet<>();
		for (long id = 1; id <= rows; id++) {
			if (reported.contains(id)) {
				assertThat(actual).as("row %s deleted", id).doesNotContainKey(id);
				continue;
			}
			List<Object> row = actual.get(id);
			assertThat(row).as("row %s kept", id).isNotNull();
			assertThat(values.add((String) row.get(1))).as("one row of %s", row.get(1)).isTrue();
			assertThat(((Number) row.get(2)).longValue()).as("qty of row %s", id).isEqualTo(qty.getOrDefault(id, id));
		}
		assertThat(values).hasSize(400);
		for (long id : inserted) {
			assertThat(actual).containsKey(id);
		}
	}

	@Test
	void aUniqueBuildThatMeetsDuplicatesWrittenAfterTheBackfillSaysWhichValues() {
		this.db.execute("UPDATE orders SET note = 'dup' WHERE id IN (4, 5, 6)");
		Plan plan = Plan.builder("orders-note-late").addUniqueConstraint("orders", List.of("note"), "keep-newest-by", "qty")
			.build();
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.BACKFILLED).phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(reportedKeys(this.zdm, plan.id())).containsExactlyInAnyOrder(4L, 5L);
		this.db.execute("UPDATE orders SET note = 'late' WHERE id IN (10, 11)");
		assertThatThrownBy(() -> this.zdm.advance(plan.id()))
			.hasMessageContaining("build unique index public.orders_note_key on public.orders for orders-note-late operation "
					+ "1 (addUniqueConstraint) failed")
			.hasMessageContaining("1 values of (note) are held by more than one row of public.orders (2 rows), for example "
					+ "(late) in 2 rows. They were written after zdm checked (or removed) the duplicates: remove them (or stop "
					+ "the writes that make them), then advance again; or roll the migration back");
		assertThat(indexDefinition("orders_note_key")).isNull();
		assertThat(this.zdm.status(plan.id()).phase()).isEqualTo(Phase.BACKFILLED);
		this.db.execute("UPDATE orders SET note = 'o11' WHERE id = 11");
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(constraint("orders_note_key")).isEqualTo("UNIQUE (note) validated true");
	}

	// ---- helpers ----

	/** The keys the backfill reported removed, from the migration's rows-removed events. */
	private static Set<Long> reportedKeys(Orchestrator zdm, String id) {
		Set<Long> keys = new HashSet<>();
		for (MigrationEvent event : zdm.events(id)) {
			if (!"rows-removed".equals(event.action())) {
				continue;
			}
			Matcher matcher = REMOVED.matcher(event.detail());
			assertThat(matcher.find()).as(event.detail()).isTrue();
			for (String key : matcher.group(1).split(", ")) {
				assertThat(keys.add(Long.parseLong(key.substring(1, key.length() - 1)))).as("reported once: %s", key).isTrue();
			}
		}
		return keys;
	}

	private String indexDefinition(String name) {
		List<String> found = this.db.queryStrings("SELECT pg_get_indexdef(i.indexrelid) || ' valid ' || i.indisvalid "
				+ "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ?", name);
		return found.isEmpty() ? null : found.get(0);
	}

	private String constraint(String name) {
		List<String> found = this.db.queryStrings("SELECT pg_get_constraintdef(oid) || ' validated ' || convalidated "
				+ "FROM pg_constraint WHERE conname = ?", name);
		return found.isEmpty() ? null : found.get(0);
	}

	private void assertRefused(String yaml, String... messages) {
		String catalog = catalog();
		String file = "db/zdm/" + yaml.lines().findFirst().orElseThrow().substring(4) + ".yaml";
		Plan plan = new PlanLoader().load(yaml, file);
		assertThatThrownBy(() -> this.zdm.start(plan)).isInstanceOfSatisfying(PlanException.class, (ex) -> {
			assertThat(ex.getMessage()).startsWith("Plan " + plan.id() + " was refused, nothing was executed:");
			for (String message : messages) {
				assertThat(ex.getMessage()).contains(message);
			}
			assertThat(ex.problems()).hasSize(messages.length)
				.allSatisfy((problem) -> assertThat(problem.toString()).startsWith(file)
					.contains("operation 1 (" + plan.operations().get(0).kind() + ")"));
		});
		assertThat(catalog()).isEqualTo(catalog);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration WHERE id = ?", plan.id())).isZero();
	}

	/** Every column, index, constraint, trigger and function of the public schema. */
	private String catalog() {
		return this.db.queryStrings("""
				SELECT string_agg(x, '; ' ORDER BY x) FROM (
				  SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull AS x
				  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				  WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
				  UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' ' || i.indisvalid FROM pg_index i
				  JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'public'::regnamespace
				  UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
				  FROM pg_constraint WHERE connamespace = 'public'::regnamespace
				  UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
				  UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace IN ('public'::regnamespace, 'zdm'::regnamespace)
				) t""").get(0);
	}

}

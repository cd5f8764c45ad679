package dev.zdm.core.operation;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.plan.CreateTable;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.state.MigrationEvent;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code renameTable}, {@code dropTable} and {@code createTable}: bad input is refused before any DDL with
 * the plan, the operation and the fix, leaving the catalog as it was; what old code does through a renamed
 * table's old name keeps working; zdm drops only the table it put aside, and never a created table that
 * holds rows.
 */
@ExtendWith(PostgresExtension.class)
class TableOperationsTests {

	private static final String READER = "zdm_tables_reader";

	private final TestDatabase db;

	private Orchestrator zdm;

	TableOperationsTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void setUp() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP SCHEMA IF EXISTS zdm_rename_customers CASCADE",
				"DROP SCHEMA public CASCADE", "CREATE SCHEMA public", "GRANT USAGE ON SCHEMA public TO PUBLIC",
				"DROP ROLE IF EXISTS " + READER,
				"CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL DEFAULT 'anon', "
						+ "score integer CHECK (score >= 0))",
				"CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), total integer)",
				"CREATE VIEW customer_names AS SELECT id, name FROM customers",
				"CREATE TABLE legacy (id bigint PRIMARY KEY, note text)", "CREATE TYPE mood AS ENUM ('ok')",
				"INSERT INTO customers (name, score) SELECT 'c' || g, g FROM generate_series(1, 20) g",
				"INSERT INTO orders SELECT g, g, g * 10 FROM generate_series(1, 10) g",
				"INSERT INTO legacy SELECT g, 'n' || g FROM generate_series(1, 30) g",
				"CREATE ROLE " + READER, "GRANT SELECT ON customers TO " + READER);
		this.zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults());
		this.zdm.install();
	}

	@AfterEach
	void dropRole() {
		this.db.execute("DROP OWNED BY " + READER + " CASCADE", "DROP ROLE " + READER);
	}

	// ---- renameTable ----

	@Test
	void renameTableRefusesATakenNameAMissingTableAndOtherChangesOfTheTable() {
		assertRefused("""
				id: bad-rename-table
				operations:
				  - renameTable: {table: customers, to: orders}
				""", "operation 1 (renameTable): the name \"orders\" is taken in schema public by a table: choose another "
				+ "'to', or rename that first.");
		assertRefused("""
				id: bad-rename-view
				operations:
				  - renameTable: {table: customers, to: customer_names}
				""", "the name \"customer_names\" is taken in schema public by a view");
		assertRefused("""
				id: bad-rename-type
				operations:
				  - renameTable: {table: customers, to: mood}
				""", "the name \"mood\" is taken in schema public by a data type");
		assertRefused("""
				id: bad-rename-missing
				operations:
				  - renameTable: {table: custmers, to: clients}
				""", "operation 1 (renameTable): table \"custmers\" does not exist. Known tables: customers, legacy, orders. "
				+ "Fix the table name");
		assertRefused("""
				id: bad-rename-both
				operations:
				  - renameTable: {table: customers, to: clients}
				  - addCheckConstraint: {table: customers, name: customers_name_check, check: "name <> ''"}
				""", "operation 1 (renameTable): operation 2 of this plan changes customers too: while a migration renames a "
				+ "table, its old name is a view. Rename the table in a migration of its own, and change it in another.");
	}

	@Test
	void oldCodeKeepsWritingThroughTheOldNameAndRollbackPutsTheTableBack() {
		Plan plan = Plan.builder("rename-customers").renameTable("customers", "clients").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertThat(relkind("customers")).isEqualTo("v");
		assertThat(relkind("clients")).isEqualTo("r");
		// Old code, through the view: defaults (the serial key, name), RETURNING, ON CONFLICT, UPDATE, DELETE.
		assertThat(this.db.queryStrings("INSERT INTO customers (score) VALUES (7) RETURNING id || ' ' || name"))
			.containsExactly("21 anon");
		this.db.execute("INSERT INTO customers (id, name) VALUES (21, 'upsert') ON CONFLICT (id) DO UPDATE SET name = "
				+ "excluded.name", "UPDATE customers SET score = 100 WHERE id = 1", "DELETE FROM customers WHERE id = 20");
		// New code, through the new name, at the same time: the same rows.
		this.db.execute("INSERT INTO clients (name, score) VALUES ('new', 1)", "UPDATE clients SET name = 'n2' WHERE id = 2");
		assertThat(this.db.queryStrings("SELECT id || ' ' || name || ' ' || coalesce(score, -1) FROM customers "
				+ "WHERE id IN (1, 2, 21, 22) ORDER BY id"))
			.containsExactly("1 c1 100", "2 n2 2", "21 upsert 7", "22 new 1");
		assertThat(this.db.queryLong("SELECT count(*) FROM clients")).isEqualTo(21);
		assertThat(this.db.queryStrings("SELECT name FROM customers WHERE id = 3 FOR UPDATE")).containsExactly("c3");
		// The table's constraints, its foreign keys and the views on it follow it.
		assertThatThrownBy(() -> this.db.execute("UPDATE customers SET score = -1 WHERE id = 3"))
			.hasMessageContaining("violates check constraint");
		assertThatThrownBy(() -> this.db.execute("INSERT INTO orders VALUES (99, 12345, 0)"))
			.hasMessageContaining("violates foreign key constraint");
		assertThatThrownBy(() -> this.db.execute("DELETE FROM customers WHERE id = 1"))
			.hasMessageContaining("violates foreign key constraint");
		assertThat(this.db.queryLong("SELECT count(*) FROM customer_names")).isEqualTo(21);
		// The view carries the table's privileges, and no more.
		// (One statement per call keeps SET ROLE on the connection that reads: it fails unless the reader sees 21 rows.)
		this.db.execute("SET ROLE " + READER + "; DO $$ BEGIN IF (SELECT count(*) FROM customers) <> 21 THEN "
				+ "RAISE EXCEPTION 'the reader does not see every row'; END IF; END $$; RESET ROLE");
		assertThatThrownBy(() -> this.db.execute("SET ROLE " + READER + "; INSERT INTO customers (score) VALUES (1)"))
			.hasMessageContaining("permission denied for view customers");

		assertThat(this.zdm.rollback(plan.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(relkind("customers")).isEqualTo("r");
		assertThat(relkind("clients")).isNull();
		assertThat(this.db.queryStrings("SELECT pg_get_serial_sequence('customers', 'id')"))
			.containsExactly("public.customers_id_seq");
		assertThat(this.db.queryLong("SELECT count(*) FROM customers")).isEqualTo(21);
		assertThat(this.db.queryStrings("SELECT name FROM customers WHERE id = 22")).containsExactly("new");
		assertThat(this.db.queryLong("SELECT count(*) FROM customer_names")).isEqualTo(21);
	}

	@Test
	void oldAndNewCodeInsertUpdateAndDeleteConcurrentlyThroughBothNames() throws Exception {
		Plan plan = Plan.builder("rename-customers").renameTable("customers", "clients").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		List<Thread> sessions = new ArrayList<>();
		for (String name : List.of("customers", "clients", "customers", "clients")) {
			Thread session = new Thread(() -> {
				try (Connection connection = this.db.dataSource().getConnection();
						Statement statement = connection.createStatement()) {
					for (int i = 0; i < 200; i++) {
						// The serial key from the one sequence, whichever name inserts; then an update and, for every
						// other row, a delete of the row just written.
						try (ResultSet rs = statement.executeQuery("INSERT INTO " + name + " (name, score) VALUES ('"
								+ name + "', " + i + ") RETURNING id")) {
							rs.next();
							long id = rs.getLong(1);
							statement.executeUpdate("UPDATE " + name + " SET score = score + 1000 WHERE id = " + id);
							if (i % 2 == 1) {
								statement.executeUpdate("DELETE FROM " + name + " WHERE id = " + id);
							}
						}
					}
				}
				catch (SQLException | RuntimeException ex) {
					failures.add(ex);
				}
			});
			session.start();
			sessions.add(session);
		}
		for (Thread session : sessions) {
			session.join();
		}
		assertThat(failures).isEmpty();
		// 20 rows before, 4 sessions x 100 rows kept, each updated once, with distinct keys.
		assertThat(this.db.queryStrings("SELECT name || ' ' || count(*) || ' ' || count(DISTINCT id) || ' ' || min(score) "
				+ "FROM clients WHERE score >= 1000 GROUP BY name ORDER BY name"))
			.containsExactly("clients 200 200 1000", "customers 200 200 1000");
		assertThat(this.db.queryLong("SELECT count(*) FROM customers")).isEqualTo(420);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT count(*) FROM clients")).isEqualTo(420);
	}

	@Test
	void functionsThatNameTheTableAreReportedWhenTheRenameStarts() {
		this.db.execute("CREATE FUNCTION customer_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM customers'",
				"CREATE FUNCTION unrelated() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders -- customers'");
		Plan plan = Plan.builder("rename-customers").renameTable("customers", "clients").build();
		this.zdm.start(plan);
		assertThat(this.zdm.events(plan.id())).filteredOn((event) -> event.action().equals("warning"))
			.extracting(MigrationEvent::detail)
			.containsExactly("java: operation 1 (renameTable): the function customer_count() names table customers: "
					+ "through the view under the old name it keeps working until contract, and fails after it. Change it "
					+ "to \"clients\" before contract.");
	}

	@Test
	void contractDropsTheViewAndLeavesTheTableUnderItsNewNameWithItsDependents() {
		Plan plan = Plan.builder("rename-customers").renameTable("customers", "clients").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(relkind("customers")).isNull();
		assertThat(relkind("clients")).isEqualTo("r");
		assertThat(this.db.queryStrings("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
				+ "'orders_customer_id_fkey'")).containsExactly("FOREIGN KEY (customer_id) REFERENCES clients(id)");
		assertThat(this.db.queryLong("SELECT count(*) FROM customer_names")).isEqualTo(20);
		assertThat(this.db.queryStrings("INSERT INTO clients (score) VALUES (1) RETURNING id::text")).containsExactly("21");
	}

	@Test
	void anotherMigrationLeavesARenamedTableAloneUntilTheRenameEnds() {
		Plan plan = Plan.builder("rename-customers").renameTable("customers", "clients").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertRefused("""
				id: check-clients
				operations:
				  - addCheckConstraint: {table: clients, name: clients_score_check, check: "score < 1000"}
				""", "operation 1 (addCheckConstraint): table public.clients is being changed by migration rename-customers, "
				+ "which is EXPANDED (its view public.customers are on the table). Finish that migration");
		assertRefused("""
				id: create-in-zdm
				operations:
				  - createTable: {table: zdm.parcels, columns: [{name: id, type: bigint}]}
				""", "operation 1 (createTable): schema zdm is zdm's state schema (zdm.schema): create the table in a schema of "
				+ "your own.");
	}

	// ---- dropTable ----

	@Test
	void dropTableRefusesATableOthersDependOnNamingThemAndAMissingTable() {
		assertRefused("""
				id: bad-drop-table
				operations:
				  - dropTable: {table: customers}
				""", "operation 1 (dropTable): table public.customers is used by constraint orders_customer_id_fkey on table "
				+ "orders, view customer_names, which DROP TABLE would have to drop with it (CASCADE), and "
				+ "zdm never drops what it did not create. Drop or change them first (ALTER TABLE ... DROP CONSTRAINT for a "
				+ "foreign key, DROP VIEW for a view");
		assertRefused("""
				id: bad-drop-missing
				operations:
				  - dropTable: {table: legacyy}
				""", "operation 1 (dropTable): table \"legacyy\" does not exist. Fix the table name");
		this.db.execute("CREATE TABLE zdm_drop_legacy_1 (x integer)");
		assertRefused("""
				id: drop-legacy
				operations:
				  - dropTable: {table: legacy}
				""", "the name \"zdm_drop_legacy_1\" that zdm puts table public.legacy aside under is taken in schema public");
	}

	@Test
	void dropTablePutsTheTableOutOfReachAndDropsOnlyTheTableItPutAside() {
		Plan plan = Plan.builder("drop-legacy").dropTable("legacy").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThatThrownBy(() -> this.db.execute("INSERT INTO legacy VALUES (99, 'x')"))
			.hasMessageContaining("relation \"legacy\" does not exist");
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm_drop_legacy_1")).isEqualTo(30);
		// Someone swaps another table in under the aside name: contract must not drop it.
		this.db.execute("ALTER TABLE zdm_drop_legacy_1 RENAME TO legacy_kept", "CREATE TABLE zdm_drop_legacy_1 (x integer)");
		assertThatThrownBy(() -> this.zdm.advance(plan.id()))
			.hasMessageContaining("Contract of drop-legacy operation 1 (dropTable) would fail, so it was not started: Table "
					+ "public.legacy, which zdm put aside as public.zdm_drop_legacy_1 (oid ")
			.hasMessageContaining("is no longer under that name, so zdm cannot drop it: zdm drops only the table it put "
					+ "aside. Put that table back under public.zdm_drop_legacy_1 and advance again");
		assertThat(this.zdm.status(plan.id()).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(relkind("zdm_drop_legacy_1")).isEqualTo("r");
		assertThat(this.db.queryLong("SELECT count(*) FROM legacy_kept")).isEqualTo(30);
		this.db.execute("DROP TABLE zdm_drop_legacy_1", "ALTER TABLE legacy_kept RENAME TO zdm_drop_legacy_1");
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(relkind("zdm_drop_legacy_1")).isNull();
		assertThat(relkind("legacy")).isNull();
	}

	// ---- createTable ----

	@Test
	void createTableArgumentsAreReadWithTheirLines() {
		assertThatThrownBy(() -> new PlanLoader().load("""
				id: bad-create-args
				operations:
				  - createTable:
				      table: shipments
				      columns:
				        - {name: id, type: bigint}
				        - {name: id, type: text}
				  - createTable:
				      table: parcels
				      columns: [{name: id}, {name: x, type: text, notNull: maybe}]
				      constraints:
				        - {name: parcels_x, check: "id > 0", unique: [id]}
				        - {foreignKey: {columns: [id], references: {table: orders}}}
				""", "args.yaml")).isInstanceOfSatisfying(PlanException.class, (ex) -> assertThat(ex.problems())
			.extracting(Object::toString)
			.containsExactly("args.yaml:4:7: operation 1 (createTable): 'columns': \"id\" is given twice",
					"args.yaml:10:17: operation 2 (createTable): 'type' is required",
					"args.yaml:10:60: operation 2 (createTable): 'notNull' must be true or false",
					"args.yaml:12:11: operation 2 (createTable): a constraint gives exactly one of 'check', 'unique' and "
							+ "'foreignKey'",
					"args.yaml:13:52: operation 2 (createTable): 'columns' is required"));
	}

	@Test
	void createTableRefusesAnExistingTableAMissingReferencedTableAndWrongTypes() {
		assertRefused("""
				id: bad-create-exists
				operations:
				  - createTable: {table: customers, columns: [{name: id, type: bigint}]}
				""", "operation 1 (createTable): table public.customers already exists, and zdm creates only a table that does "
				+ "not: choose another name");
		assertRefused("""
				id: bad-create-reference
				operations:
				  - createTable:
				      table: shipments
				      columns: [{name: id, type: bigint}, {name: order_id, type: bigint}]
				      constraints:
				        - {foreignKey: {columns: [order_id], references: {table: orderz, columns: [id]}}}
				""", "operation 1 (createTable): PostgreSQL refuses to create table shipments: ERROR: relation \"orderz\" does "
				+ "not exist. Fix the columns (their types and defaults), the primary key or the constraints: a foreign key "
				+ "references an existing table, by columns of the same types that are its primary key or unique.");
		assertRefused("""
				id: bad-create-types
				operations:
				  - createTable:
				      table: shipments
				      columns: [{name: id, type: bigint}, {name: order_id, type: uuid}]
				      constraints:
				        - {foreignKey: {columns: [order_id], references: {table: orders, columns: [id]}}}
				""", "PostgreSQL refuses to create table shipments: ERROR: foreign key constraint \"shipments_order_id_fkey\" "
				+ "cannot be implemented");
		assertRefused("""
				id: bad-create-index
				operations:
				  - createTable: {table: shipments, columns: [{name: id, type: bigint}]}
				  - createIndex: {table: shipments, name: shipments_id_idx, columns: [id]}
				""", "operation 1 (createTable): operation 2 of this plan changes shipments, which this operation creates: "
				+ "the table does not exist until expand, so zdm cannot check that operation against it. Declare the "
				+ "table's key and constraints here, and change it further in a later migration.",
				"operation 2 (createIndex): table \"shipments\" does not exist");
		assertRefused("""
				id: bad-create-type
				operations:
				  - createTable: {table: shipments, columns: [{name: id, type: bigintt}]}
				""", "PostgreSQL refuses to create table shipments: ERROR: type \"bigintt\" does not exist");
		assertRefused("""
				id: bad-create-key
				operations:
				  - createTable: {table: shipments, columns: [{name: id, type: bigint}], primaryKey: [ident]}
				""", "PostgreSQL refuses to create table shipments: ERROR: column \"ident\" named in key does not exist");
	}

	@Test
	void createTableCreatesTheTableWithItsKeyAndConstraints() {
		Plan plan = new PlanLoader().load("""
				id: create-shipments
				operations:
				  - createTable:
				      table: shipments
				      columns:
				        - {name: id, type: bigserial}
				        - {name: order_id, type: bigint, notNull: true}
				        - {name: carrier, type: "varchar(20)", default: "'post'", notNull: true}
				      primaryKey: [id]
				      constraints:
				        - {name: shipments_carrier_check, check: "carrier <> ''"}
				        - {name: shipments_order_key, unique: [order_id]}
				        - name: shipments_order_fk
				          foreignKey: {columns: [order_id], references: {table: orders, columns: [id]}, onDelete: cascade}
				""", "p.yaml");
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		assertThat(this.db.queryStrings("SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE "
				// PostgreSQL 18 lists NOT NULL as constraints too (contype 'n'): the columns' attnotnull tells those.
				+ "conrelid = 'shipments'::regclass AND contype <> 'n' ORDER BY conname")).containsExactly(
						"shipments_carrier_check CHECK (((carrier)::text <> ''::text))",
						"shipments_order_fk FOREIGN KEY (order_id) REFERENCES orders(id) ON DELETE CASCADE",
						"shipments_order_key UNIQUE (order_id)", "shipments_pkey PRIMARY KEY (id)");
		this.db.execute("INSERT INTO shipments (order_id) VALUES (1)");
		assertThat(this.db.queryStrings("SELECT id || ' ' || carrier FROM shipments")).containsExactly("1 post");
		assertThat(this.zdm.advanceTo(plan.id(), Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT count(*) FROM shipments")).isEqualTo(1);
		this.db.execute("DELETE FROM orders WHERE id = 1");
		assertThat(this.db.queryLong("SELECT count(*) FROM shipments")).isZero();
	}

	@Test
	void rollbackOfCreateTableRefusesToDropRowsWrittenSinceThenDropsTheEmptyTable() {
		Plan plan = Plan.builder("create-parcels").createTable("parcels",
				List.of(new CreateTable.Column(Identifier.of("id"), "bigint", null, true)), "id").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advanceTo(plan.id(), Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		this.db.execute("INSERT INTO parcels VALUES (1), (2)");
		assertThatThrownBy(() -> this.zdm.rollback(plan.id()))
			.hasMessageContaining("Table public.parcels, which migration create-parcels created, holds rows written since; "
					+ "rolling back would drop them with the table, so zdm stopped (the migration stays ROLLING_BACK). Keep "
					+ "the rows elsewhere if they matter (CREATE TABLE ... AS SELECT * FROM \"public\".\"parcels\"), delete "
					+ "them (DELETE FROM \"public\".\"parcels\"), then roll back again.");
		assertThat(this.zdm.status(plan.id()).phase()).isEqualTo(Phase.ROLLING_BACK);
		assertThat(this.db.queryLong("SELECT count(*) FROM parcels")).isEqualTo(2);
		this.db.execute("DELETE FROM parcels");
		assertThat(this.zdm.rollback(plan.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(relkind("parcels")).isNull();
	}

	@Test
	void rollbackOfCreateTableLeavesATableItDidNotCreate() {
		Plan plan = Plan.builder("create-parcels").createTable("parcels",
				List.of(new CreateTable.Column(Identifier.of("id"), "bigint", null, true)), "id").build();
		this.zdm.start(plan);
		assertThat(this.zdm.advance(plan.id()).phase()).isEqualTo(Phase.EXPANDED);
		// Someone replaces zdm's table with one of their own under the same name.
		this.db.execute("DROP TABLE parcels", "CREATE TABLE parcels (id bigint)");
		assertThat(this.zdm.rollback(plan.id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(relkind("parcels")).isEqualTo("r");
	}

	// ---- helpers ----

	private String relkind(String name) {
		List<String> found = this.db.queryStrings("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(?)", name);
		return found.isEmpty() ? null : found.get(0);
	}

	private void assertRefused(String yaml, String... messages) {
		String catalog = catalog();
		Plan plan = new PlanLoader().load(yaml, "db/zdm/" + yaml.lines().findFirst().orElseThrow().substring(4) + ".yaml");
		assertThatThrownBy(() -> this.zdm.start(plan)).isInstanceOfSatisfying(PlanException.class, (ex) -> {
			assertThat(ex.getMessage()).startsWith("Plan " + plan.id() + " was refused, nothing was executed:");
			for (String message : messages) {
				assertThat(ex.getMessage()).contains(message);
			}
			assertThat(ex.problems()).hasSize(messages.length);
		});
		assertThat(catalog()).isEqualTo(catalog);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration WHERE id = ?", plan.id())).isZero();
	}

	/** Every relation (with its kind), column, index, constraint, trigger and function of the public schema. */
	private String catalog() {
		return this.db.queryStrings("""
				SELECT string_agg(x, '; ' ORDER BY x) FROM (
				  SELECT 'relation ' || relname || ' ' || relkind::text AS x FROM pg_class WHERE relnamespace = 'public'::regnamespace
				  UNION ALL SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull
				  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				  WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
				  UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' ' || i.indisvalid FROM pg_index i
				  JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'public'::regnamespace
				  UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
				  FROM pg_constraint WHERE connamespace = 'public'::regnamespace
				  UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
				  UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace IN ('public'::regnamespace, 'zdm'::regnamespace)
				  UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname LIKE 'zdm%'
				) t""").get(0);
	}

}

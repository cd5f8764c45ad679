package dev.zdm.core.migration;

import java.util.List;

import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.core.state.MigrationEvent;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Acceptance: plans that validation used to accept and that then broke writes, wedged the migration at
 * contract, rewrote the table under a lock or failed with an exception instead of a plan error are refused
 * before any DDL, naming the plan, the operation and the fix, and leave the catalog unchanged; a lossy
 * 'up'/'down' pair is accepted with a warning the user can see.
 */
@ExtendWith(PostgresExtension.class)
class PlanSafetyTests {

	private final TestDatabase db;

	private Orchestrator zdm;

	PlanSafetyTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void setUp() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE",
				"DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'zdm\\_%' LOOP "
						+ "EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE'; END LOOP; END $$",
				"DROP TABLE IF EXISTS users, products, long_names CASCADE", "DROP SEQUENCE IF EXISTS counter",
				"DROP FUNCTION IF EXISTS cents(numeric)",
				"DROP DOMAIN IF EXISTS positive_twice, positive, required_int, int_with_default CASCADE",
				"CREATE TABLE users (id bigint PRIMARY KEY, email text, name text)",
				"CREATE TABLE products (id bigint PRIMARY KEY, price numeric(10,2), sku text)",
				"INSERT INTO products VALUES (1, 1.40, 'a'), (2, 2.00, 'b'), (3, 3.75, 'c')",
				"CREATE SEQUENCE counter");
		this.zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults());
		this.zdm.install();
	}

	// Item 6: the trigger evaluates 'up' over the row alone, where products.price does not resolve: every
	// write to the table would fail from expand on.
	@Test
	void tableQualifiedExpressionsAreRefused() {
		assertRefused("""
				id: qualified-up
				operations:
				  - changeColumnType: {table: products, column: price, type: integer, up: "round(products.price * 100)::integer", down: "price_cents / 100.0", rename: price_cents}
				""", "db/zdm/qualified-up.yaml: operation 1 (changeColumnType): 'up' does not give a integer from the old "
				+ "row (columns: id, price, sku): ERROR: missing FROM-clause entry for table \"products\". Refer to the "
				+ "row's columns by their bare names (price, not products.price or (products).price)");
		assertRefused("""
				id: whole-row-up
				operations:
				  - changeColumnType: {table: products, column: price, type: integer, up: "round((products).price * 100)::integer", down: "price_cents / 100.0", rename: price_cents}
				""", "operation 1 (changeColumnType): 'up' does not give a integer from the old row (columns: id, price, "
				+ "sku): ERROR: column \"products\" does not exist. Refer to the row's columns by their bare names");
		assertRefused("""
				id: qualified-down
				operations:
				  - changeColumnType: {table: products, column: price, type: integer, up: "round(price * 100)::integer", down: "products.price_cents / 100.0", rename: price_cents}
				""", "operation 1 (changeColumnType): 'down' does not give a numeric(10,2) (the old type) from the new "
				+ "row, where the new column is \"price_cents\": ERROR: missing FROM-clause entry for table \"products\"");
	}

	// Item 14: every backfill batch failed (aggregates, window and set-returning functions in UPDATE), or
	// verification never passed (volatile functions).
	@Test
	void aggregateWindowAndSetReturningFunctionsAreRefused() {
		String fix = ": zdm computes 'up' for one row at a time, in the backfill's UPDATE and in the sync trigger, "
				+ "where it must give one value from that row alone. Compute it from the row's own columns.";
		assertRefused(changePrice("aggregate-up", "sum(price)::integer", "price_cents / 100.0"),
				"operation 1 (changeColumnType): 'up' uses an aggregate function" + fix);
		assertRefused(changePrice("window-up", "(row_number() OVER (ORDER BY price))::integer", "price_cents / 100.0"),
				"operation 1 (changeColumnType): 'up' uses a window function" + fix);
		assertRefused(changePrice("srf-up", "generate_series(1, round(price)::integer)", "price_cents / 100.0"),
				"operation 1 (changeColumnType): 'up' uses a set-returning function" + fix);
		assertRefused(changePrice("aggregate-down", "round(price * 100)::integer", "max(price_cents) / 100.0"),
				"operation 1 (changeColumnType): 'down' uses an aggregate function: zdm computes 'down' for one row");
	}

	@Test
	void volatileFunctionsAreRefused() {
		String fix = "which may give another value each time: zdm computes 'up' again to verify the backfill and on "
				+ "every write, so the copies would never agree. Use a deterministic expression";
		assertRefused(changePrice("random-up", "round(price * 100 + random())::integer", "price_cents / 100.0"),
				"operation 1 (changeColumnType): 'up' calls the volatile function random(), " + fix);
		assertRefused(changePrice("nextval-up", "nextval('counter')::integer", "price_cents / 100.0"),
				"'up' calls the volatile function nextval(regclass), " + fix);
		assertRefused(changePrice("clock-down", "round(price * 100)::integer",
				"price_cents / 100.0 + extract(epoch FROM clock_timestamp()) * 0"),
				"operation 1 (changeColumnType): 'down' calls the volatile function clock_timestamp()");
		// A function of the user's own is volatile unless declared otherwise.
		this.db.execute("CREATE FUNCTION cents(numeric) RETURNS integer LANGUAGE sql AS 'SELECT round($1 * 100)::integer'");
		assertRefused(changePrice("own-function", "cents(price)", "price_cents / 100.0"),
				"'up' calls the volatile function cents(numeric), " + fix
						+ ": immutable or stable functions only (declare a function of your own IMMUTABLE or STABLE when it is).");
		this.db.execute("ALTER FUNCTION cents(numeric) IMMUTABLE");
		assertThat(this.zdm.start(new PlanLoader().load(changePrice("own-immutable", "cents(price)", "price_cents / 100.0"),
				"db/zdm/own-immutable.yaml")).phase()).isEqualTo(Phase.PENDING);
	}

	// Item 7: contract failed ("other objects depend on it", or SET DEFAULT refused) with the migration stuck
	// in CONTRACTING.
	@Test
	void generatedColumnComputedFromTheColumnIsRefused() {
		this.db.execute("ALTER TABLE products ADD COLUMN price_with_tax numeric GENERATED ALWAYS AS (price * 1.2) STORED");
		assertRefused("""
				id: generated
				operations:
				  - renameColumn: {table: products, from: price, to: unit_price}
				""", "operation 1 (renameColumn): column \"price\" is used by generated column price_with_tax of table "
				+ "products; zdm carries indexes and unique constraints across to the new column, but not these yet. "
				+ "Drop them before this migration and recreate them on \"unit_price\" after it.");
	}

	@Test
	void defaultThatIsNotAValidColumnDefaultIsRefused() {
		String prefix = "operation 1 (changeColumnType): 'default' cannot be the default of a integer column (contract "
				+ "sets it with ALTER COLUMN ... SET DEFAULT): ERROR: ";
		String fix = ". A default is a constant, or an expression of constants and functions: give one that is.";
		assertRefused(defaultPlan("subquery-default", "(SELECT 0)"), prefix + "cannot use subquery in DEFAULT expression" + fix);
		assertRefused(defaultPlan("aggregate-default", "max(0)"),
				prefix + "aggregate functions are not allowed in DEFAULT expressions" + fix);
		assertRefused(defaultPlan("column-default", "id"), prefix + "cannot use column reference in DEFAULT expression" + fix);
		// Each operation's default is checked on its own.
		assertThat(this.zdm.start(new PlanLoader().load(defaultPlan("good-default", "0")
				+ "  - changeColumnType: {table: products, column: sku, type: \"varchar(20)\", up: sku, down: sku_code, "
				+ "rename: sku_code, default: \"''\"}\n", "db/zdm/good-default.yaml")).phase()).isEqualTo(Phase.PENDING);
	}

	// Item 11: ADD COLUMN of a constrained domain rewrote the table under ACCESS EXCLUSIVE.
	@Test
	void constrainedDomainAsTheNewTypeIsRefused() {
		this.db.execute("CREATE DOMAIN positive AS integer CHECK (VALUE > 0)",
				"CREATE DOMAIN positive_twice AS positive", "CREATE DOMAIN required_int AS integer NOT NULL",
				"CREATE DOMAIN int_with_default AS integer DEFAULT 7");
		String fix = ": adding a column of it makes PostgreSQL check or fill every existing row under an ACCESS "
				+ "EXCLUSIVE lock, blocking reads and writes for as long as that takes. Use its base type integer as "
				+ "'type' (with 'default' for a default), and add the check after the migration as a constraint: ADD "
				+ "CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT.";
		assertRefused(domainPlan("domain-check", "positive"),
				"operation 1 (changeColumnType): 'type' positive is a domain with CHECK ((VALUE > 0)) (domain positive)" + fix);
		assertRefused(domainPlan("domain-of-domain", "positive_twice"),
				"'type' positive_twice is a domain with CHECK ((VALUE > 0)) (domain positive)" + fix);
		assertRefused(domainPlan("domain-not-null", "required_int"), "'type' required_int is a domain with NOT NULL "
				+ "(domain required_int)" + fix);
		assertRefused(domainPlan("domain-default", "int_with_default"),
				"'type' int_with_default is a domain with DEFAULT 7 (domain int_with_default)" + fix);
		// A rename adds its new column with the old one's type.
		this.db.execute("ALTER TABLE users ADD COLUMN rank positive");
		assertRefused("""
				id: rename-domain
				operations:
				  - renameColumn: {table: users, from: rank, to: position}
				""", "operation 1 (renameColumn): the type of column \"rank\", positive, is a domain with CHECK ((VALUE > 0)) "
				+ "(domain positive): adding a column of it makes PostgreSQL check or fill every existing row under an "
				+ "ACCESS EXCLUSIVE lock, blocking reads and writes for as long as that takes. Change the column to the "
				+ "base type integer first (changeColumnType), with the domain's check as a table constraint (ADD "
				+ "CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT), then rename it.");
	}

	// Item 15: an IllegalArgumentException instead of a plan error.
	@Test
	void derivedNamesLongerThanPostgresAllowsAreAPlanError() {
		String column = "c".repeat(60);
		this.db.execute("CREATE TABLE long_names (id int PRIMARY KEY, " + column + " text)");
		assertRefused("id: long-temporary\noperations:\n  - changeColumnType: {table: long_names, column: " + column
				+ ", type: varchar(10), up: \"" + column + "\", down: \"" + column + "\"}\n",
				"operation 1 (changeColumnType): the temporary column name \"" + column + "__zdm\" is longer than "
						+ "PostgreSQL's 63-byte limit: give the column a final name with 'rename' (or shorten the "
						+ "column's name first).");
		assertThatThrownBy(() -> Plan.builder("long-name").renameColumn("users", "email", "e".repeat(64)).build())
			.isInstanceOfSatisfying(PlanException.class, (ex) -> assertThat(ex.getMessage())
				.contains("Plan long-name was refused, nothing was executed:")
				.contains("java: operation 1 (renameColumn): \"" + "e".repeat(64)
						+ "\" is longer than PostgreSQL's 63-byte identifier limit"));
	}

	// Item 16: after switch, old code updating another column rewrote price 1.40 -> 1.00 through 'down'.
	@Test
	void lossyPairIsAcceptedWithAWarningTheUserCanSee() {
		Plan lossy = new PlanLoader().load("""
				id: lossy
				operations:
				  - changeColumnType: {table: products, column: price, type: integer, up: "round(price)::integer", down: "price"}
				""", "db/zdm/lossy.yaml");
		assertThat(this.zdm.start(lossy).phase()).isEqualTo(Phase.PENDING);
		List<MigrationEvent> warnings = this.zdm.events("lossy").stream()
			.filter((event) -> "warning".equals(event.action()))
			.toList();
		assertThat(warnings).hasSize(1);
		assertThat(warnings.get(0).detail()).isEqualTo("db/zdm/lossy.yaml: operation 1 (changeColumnType): 'up' then "
				+ "'down' does not give back the old value of \"price\" for 2 of the first 3 rows (by primary key); for "
				+ "example, at id=1, 1.40 comes back as 1.00. After switch the old column is written from 'down' on "
				+ "every write to a row, so old code and a rollback would see 1.00. Go ahead if that is meant; "
				+ "otherwise make 'down' the inverse of 'up'.");
		// The table was only read.
		assertThat(this.db.queryStrings("SELECT price::text FROM products ORDER BY id")).containsExactly("1.40", "2.00", "3.75");
		Plan exact = new PlanLoader().load(changePrice("exact", "round(price * 100)::integer", "price_cents / 100.0"),
				"db/zdm/exact.yaml");
		assertThat(this.zdm.start(exact).phase()).isEqualTo(Phase.PENDING);
		assertThat(this.zdm.events("exact")).noneMatch((event) -> "warning".equals(event.action()));
	}

	// Item 18: refused with "used by view zdm_first.users", which did not say what to do.
	@Test
	void tableHeldByAnotherUnfinishedMigrationNamesItAndWhatToDo() {
		this.zdm.start(Plan.builder("first").renameColumn("users", "email", "email_address").build());
		this.zdm.advanceTo("first", Phase.EXPANDED);
		String held = "table public.users is being changed by migration first, which is EXPANDED (its sync trigger "
				+ "zdm_first_1 and its view zdm_first.users are on the table). Finish that migration (advance it to "
				+ "COMPLETED) or roll it back, then start this one.";
		assertRefused("""
				id: second
				operations:
				  - renameColumn: {table: users, from: name, to: full_name}
				""", "db/zdm/second.yaml: operation 1 (renameColumn): " + held);
		assertRefused("""
				id: same-column
				operations:
				  - renameColumn: {table: users, from: email, to: mail}
				""", "db/zdm/same-column.yaml: operation 1 (renameColumn): " + held);
		this.zdm.rollback("first");
		assertThat(this.zdm.start(new PlanLoader().load("""
				id: second
				operations:
				  - renameColumn: {table: users, from: name, to: full_name}
				""", "db/zdm/second.yaml")).phase()).isEqualTo(Phase.PENDING);
		assertThat(this.zdm.advanceTo("second", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	private static String changePrice(String id, String up, String down) {
		return "id: " + id + "\noperations:\n  - changeColumnType: {table: products, column: price, type: integer, up: \""
				+ up + "\", down: \"" + down + "\", rename: price_cents}\n";
	}

	private static String defaultPlan(String id, String expression) {
		return "id: " + id + "\noperations:\n  - changeColumnType: {table: products, column: price, type: integer, "
				+ "up: \"round(price * 100)::integer\", down: \"price_cents / 100.0\", rename: price_cents, default: \""
				+ expression + "\"}\n";
	}

	private static String domainPlan(String id, String type) {
		return "id: " + id + "\noperations:\n  - changeColumnType: {table: products, column: price, type: " + type
				+ ", up: \"round(price * 100)::integer\", down: \"price_cents / 100.0\", rename: price_cents}\n";
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

	/** Every column, constraint, trigger, function, type and schema of the database, outside the system's. */
	private String catalog() {
		List<String> rows = this.db.queryStrings("""
				SELECT string_agg(x, '; ' ORDER BY x) FROM (
				  SELECT n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
				         || ' ' || a.attnotnull AS x
				  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
				    AND a.attnum > 0 AND NOT a.attisdropped
				  UNION ALL SELECT 'constraint ' || conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace
				  UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
				  UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace IN ('public'::regnamespace, 'zdm'::regnamespace)
				  UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'
				) t""");
		return rows.get(0);
	}

}

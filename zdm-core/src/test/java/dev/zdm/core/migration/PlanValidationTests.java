package dev.zdm.core.migration;

import java.util.List;

import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Acceptance: plans that do not fit the database are refused before any DDL, naming the file, the
 * operation and the fix, and leave the catalog unchanged.
 */
@ExtendWith(PostgresExtension.class)
class PlanValidationTests {

	private final TestDatabase db;

	private Orchestrator zdm;

	PlanValidationTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void setUp() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS users, products, nokey CASCADE",
				"CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE CHECK (email <> ''), name text)",
				"CREATE TABLE products (id bigint PRIMARY KEY, price numeric(10,2) DEFAULT 0, sku text)",
				"CREATE TABLE nokey (a int, b int)");
		this.zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults());
		this.zdm.install();
	}

	@Test
	void unknownTable() {
		assertRefused("""
				id: bad-table
				operations:
				  - renameColumn: {table: userz, from: email, to: email_address}
				""", "db/zdm/bad-table.yaml: operation 1 (renameColumn): table \"userz\" does not exist. Known tables: nokey, products, users. Fix the table name");
	}

	@Test
	void unknownColumnListsTheKnownOnes() {
		assertRefused("""
				id: bad-column
				operations:
				  - renameColumn: {table: users, from: emial, to: email_address}
				""", "db/zdm/bad-column.yaml: operation 1 (renameColumn): table public.users has no column \"emial\". Known columns: id, email, name.");
	}

	@Test
	void upThatDoesNotTypeCheck() {
		assertRefused("""
				id: bad-up
				operations:
				  - changeColumnType: {table: products, column: price, type: integer, up: "price * 'abc'::text", down: "price / 100.0", default: "0"}
				""", "operation 1 (changeColumnType): 'up' does not give a integer from the old row (columns: id, price, sku): ERROR: operator does not exist: numeric * text");
	}

	@Test
	void downThatReferencesTheWrongName() {
		assertRefused("""
				id: bad-down
				operations:
				  - changeColumnType: {table: products, column: sku, type: "varchar(20)", up: "sku", down: "sku_code", rename: sku_ref}
				""", "'down' does not give a text (the old type) from the new row, where the new column is \"sku_ref\": ERROR: column \"sku_code\" does not exist");
	}

	@Test
	void unknownTypeAndMissingDefault() {
		assertRefused("""
				id: bad-type
				operations:
				  - changeColumnType: {table: products, column: price, type: "intger", up: "price", down: "price"}
				""", "'type' intger is not a type PostgreSQL knows: ERROR: type \"intger\" does not exist");
		assertRefused("""
				id: no-default
				operations:
				  - changeColumnType: {table: products, column: price, type: bigint, up: "round(price * 100)", down: "price / 100.0"}
				""", "column \"price\" has the default 0, which cannot be carried across a type change: give the new column's default with 'default'.");
	}

	@Test
	void dependentObjectsAndMissingPrimaryKeyAndTakenNames() {
		assertRefused("""
				id: indexed
				operations:
				  - renameColumn: {table: users, from: email, to: name}
				  - renameColumn: {table: nokey, from: a, to: c}
				""", "operation 1 (renameColumn): table public.users already has a column \"name\"; choose another name.",
				"operation 1 (renameColumn): column \"email\" is used by constraint users_email_check on table users; "
						+ "zdm carries indexes and unique constraints across to the new column, but not these yet.",
				"operation 2 (renameColumn): table public.nokey has no primary key");
	}

	@Test
	void planEditedAfterStartIsRefused() {
		Plan original = new PlanLoader().load("""
				id: edited
				operations:
				  - renameColumn: {table: users, from: name, to: full_name}
				""", "db/zdm/edited.yaml");
		this.zdm.start(original);
		this.zdm.advance("edited");
		String catalog = catalog();
		Plan edited = new PlanLoader().load("""
				id: edited
				operations:
				  - renameColumn: {table: users, from: name, to: display_name}
				""", "db/zdm/edited.yaml");
		assertThatThrownBy(() -> this.zdm.start(edited)).isInstanceOf(PlanException.class)
			.hasMessageContaining("db/zdm/edited.yaml: was changed after migration edited started (it is EXPANDED")
			.hasMessageContaining("Restore the original plan, or roll the migration back first, or give the changed plan a new id");
		assertThat(catalog()).isEqualTo(catalog);
		// Rolled back, the changed plan may start afresh.
		this.zdm.rollback("edited");
		assertThat(this.zdm.start(edited).phase()).isEqualTo(Phase.PENDING);
		assertThat(this.zdm.advance("edited").phase()).isEqualTo(Phase.EXPANDED);
		assertThat(LifecycleUnderLoadTests.columns(this.db, "users")).contains("display_name").doesNotContain("full_name");
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

	/** Every column, constraint, trigger and function of the public schema. */
	private String catalog() {
		List<String> rows = this.db.queryStrings("""
				SELECT string_agg(x, '; ' ORDER BY x) FROM (
				  SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull AS x
				  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				  WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
				  UNION ALL SELECT 'constraint ' || conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace
				  UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
				  UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace IN ('public'::regnamespace, 'zdm'::regnamespace)
				) t""");
		return rows.get(0);
	}

}

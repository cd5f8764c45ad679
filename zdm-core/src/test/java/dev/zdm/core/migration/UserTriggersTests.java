package dev.zdm.core.migration;

import java.util.List;

import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Acceptance (issue 6, item 8): the application's own triggers. One that reads the column would break every
 * write after contract, so the plan is refused; the others must not fire for the backfill's update of every
 * row (an {@code updated_at} trigger, an audit trigger), while the application's writes still fire them.
 * Run as a table owner that is not a superuser, as production does, with and without the right to set
 * {@code session_replication_role}.
 */
@ExtendWith(PostgresExtension.class)
class UserTriggersTests {

	private static final String ITEMS = "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), "
			+ "updated_at timestamptz NOT NULL DEFAULT '2020-01-01 00:00:00+00')";

	private static final String AUDIT = "CREATE TABLE items_audit (item_id int, op text, at timestamptz DEFAULT clock_timestamp())";

	private static final String TOUCH = """
			CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
			  NEW.updated_at := clock_timestamp(); -- keeps track of changes to the row
			  RETURN NEW;
			END $$""";

	private static final String LOG_CHANGE = """
			CREATE FUNCTION log_change() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
			  INSERT INTO items_audit (item_id, op) VALUES (NEW.id, TG_OP);
			  RETURN NULL;
			END $$""";

	private final TestDatabase db;

	private TableOwnerRole owner;

	UserTriggersTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void clean() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE",
				"DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'zdm\\_%' LOOP "
						+ "EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE'; END LOOP; END $$",
				"DROP TABLE IF EXISTS users, docs, items, items_audit CASCADE",
				"DROP FUNCTION IF EXISTS normalize_email(), touch(), log_change() CASCADE");
	}

	@AfterEach
	void dropOwner() {
		if (this.owner != null) {
			this.owner.close();
			this.owner = null;
		}
	}

	@Test
	void triggerFunctionThatReadsTheColumnIsRefused() {
		this.db.execute("CREATE TABLE users (id int PRIMARY KEY, email text, name text)", """
				CREATE FUNCTION normalize_email() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
				  NEW.email := lower(NEW.email); -- the name is never touched here
				  RETURN NEW;
				END $$""", "CREATE TRIGGER users_normalize BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION normalize_email()",
				"CREATE TABLE docs (id int PRIMARY KEY, title text, body text, tsv tsvector)",
				"CREATE TRIGGER docs_tsv BEFORE INSERT OR UPDATE ON docs FOR EACH ROW "
						+ "EXECUTE FUNCTION tsvector_update_trigger(tsv, 'pg_catalog.english', title, body)");
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults());
		zdm.install();
		String catalog = catalog();
		assertThatThrownBy(() -> zdm.start(Plan.builder("rename-email").renameColumn("users", "email", "email_address")
			.build())).isInstanceOfSatisfying(PlanException.class, (ex) -> {
				assertThat(ex.getMessage()).startsWith("Plan rename-email was refused, nothing was executed:")
					.contains("java: operation 1 (renameColumn): column \"email\" is read by trigger users_normalize "
							+ "(function normalize_email()): once the column is gone, every write would fail in it, and "
							+ "meanwhile writes through \"email_address\" bypass it. Drop it before this migration and "
							+ "recreate it, adapted to \"email_address\", after it.");
				assertThat(ex.problems()).hasSize(1);
			});
		// A built-in trigger function names its columns in the trigger's arguments.
		assertThatThrownBy(() -> zdm.start(Plan.builder("rename-title").renameColumn("docs", "title", "heading").build()))
			.isInstanceOfSatisfying(PlanException.class, (ex) -> assertThat(ex.getMessage())
				.contains("java: operation 1 (renameColumn): column \"title\" is read by trigger docs_tsv (function "
						+ "tsvector_update_trigger()): once the column is gone, every write would fail in it"));
		assertThat(catalog()).isEqualTo(catalog);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration")).isZero();
		// A mention in a comment is not a read: renaming name is fine.
		assertThat(zdm.start(Plan.builder("rename-name").renameColumn("users", "name", "full_name").build()).phase())
			.isEqualTo(Phase.PENDING);
	}

	@Test
	void backfillFiresNoUserTriggerWhileApplicationWritesStillDo() {
		this.owner = new TableOwnerRole(this.db);
		this.owner.grantSetReplicationRole();
		createItems();
		Orchestrator zdm = new Orchestrator(this.owner.dataSource(), ZdmSettings.defaults());
		zdm.install();
		// The expressions are checked in temporary views, read back from the catalog as this role too.
		assertThatThrownBy(() -> zdm.start(Plan.builder("noisy").changeColumnType("items", "price", "integer",
				"round(price * 100 + random())::integer", "price_cents / 100.0", "price_cents").build()))
			.isInstanceOf(PlanException.class)
			.hasMessageContaining("java: operation 1 (changeColumnType): 'up' calls the volatile function random()");
		assertThatThrownBy(() -> zdm.start(Plan.builder("qualified").changeColumnType("items", "price", "integer",
				"round(items.price * 100)::integer", "price_cents / 100.0", "price_cents").build()))
			.isInstanceOf(PlanException.class)
			.hasMessageContaining("ERROR: missing FROM-clause entry for table \"items\"");
		zdm.start(Plan.builder("items").changeColumnType("items", "price", "integer", "round(price * 100)::integer",
				"price_cents / 100.0", "price_cents").renameColumn("items", "name", "title").build());
		assertThat(zdm.advanceTo("items", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT count(*) FROM items WHERE price_cents IS NULL OR title IS NULL")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM items_audit")).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM items WHERE updated_at <> '2020-01-01 00:00:00+00'")).isZero();
		// The application's writes fire them as before.
		this.owner.execute("UPDATE items SET title = 'changed' WHERE id = 7");
		assertThat(this.db.queryStrings("SELECT item_id || ' ' || op FROM items_audit")).containsExactly("7 UPDATE");
		assertThat(this.db.queryLong("SELECT count(*) FROM items WHERE updated_at <> '2020-01-01 00:00:00+00'")).isEqualTo(1);
	}

	@Test
	void roleThatCannotKeepTriggersFromFiringIsRefused() {
		this.owner = new TableOwnerRole(this.db);
		createItems();
		Orchestrator zdm = new Orchestrator(this.owner.dataSource(), ZdmSettings.defaults());
		zdm.install();
		String catalog = catalog();
		assertThatThrownBy(() -> zdm.start(Plan.builder("rename-name").renameColumn("items", "name", "title").build()))
			.isInstanceOfSatisfying(PlanException.class, (ex) -> {
				assertThat(ex.getMessage()).startsWith("Plan rename-name was refused, nothing was executed:")
					.contains("java: operation 1 (renameColumn): the backfill updates every row of public.items, which "
							+ "would fire triggers items_audit (function log_change()), items_touch (function touch()) for "
							+ "each row. zdm runs the backfill with session_replication_role = replica so that they do not "
							+ "fire, but its role \"" + this.owner.name() + "\" may not set that parameter. Grant it (GRANT SET "
							+ "ON PARAMETER session_replication_role TO \"" + this.owner.name() + "\", PostgreSQL 15+), or run "
							+ "zdm as a role that may; or drop the triggers before the migration and recreate them after.");
				assertThat(ex.problems()).hasSize(1);
			});
		assertThat(catalog()).isEqualTo(catalog);
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration")).isZero();
	}

	@Test
	void triggersThatFireEvenInReplicaModeAreRefused() {
		createItems();
		this.db.execute("ALTER TABLE items ENABLE ALWAYS TRIGGER items_audit");
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults());
		zdm.install();
		String catalog = catalog();
		assertThatThrownBy(() -> zdm.start(Plan.builder("rename-name").renameColumn("items", "name", "title").build()))
			.isInstanceOfSatisfying(PlanException.class, (ex) -> {
				assertThat(ex.getMessage()).contains("java: operation 1 (renameColumn): the backfill updates every row "
						+ "of public.items with session_replication_role = replica, so that the table's triggers do not "
						+ "fire for it, but trigger items_audit (function log_change()) fires even then (ALTER TABLE ... "
						+ "ENABLE ALWAYS TRIGGER items_audit). Make it an ordinary trigger while the migration runs "
						+ "(ALTER TABLE ... ENABLE TRIGGER), or drop it before the migration and recreate it after it.");
				assertThat(ex.problems()).hasSize(1);
			});
		assertThat(catalog()).isEqualTo(catalog);
	}

	/** items with 1,000 rows, an updated_at trigger and an audit trigger, owned by the test's role if any. */
	private void createItems() {
		List<String> sql = List.of(ITEMS, AUDIT, TOUCH, LOG_CHANGE,
				"CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch()",
				"CREATE TRIGGER items_audit AFTER INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION log_change()",
				"ALTER TABLE items DISABLE TRIGGER items_audit",
				"INSERT INTO items (id, name, price) SELECT g, 'item ' || g, g / 7.0 FROM generate_series(1, 1000) g",
				"ALTER TABLE items ENABLE TRIGGER items_audit");
		if (this.owner != null) {
			this.owner.execute(sql.toArray(String[]::new));
		}
		else {
			this.db.execute(sql.toArray(String[]::new));
		}
	}

	private String catalog() {
		return String.join("; ", this.db.queryStrings("""
				SELECT x FROM (
				  SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) AS x
				  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				  WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
				  UNION ALL SELECT 'trigger ' || tgname || ' ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
				  UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname LIKE 'zdm\\_%'
				) t ORDER BY x"""));
	}

}

package dev.zdm.core.migration;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Isolation: zdm sees every row it copies and verifies (or refuses), its version schema shows a role no
 * more rows and grants it no more rights than the table does, it never drops a schema it did not create,
 * and it does not migrate its own tables.
 * <p>
 * Row level security is tested as production runs it: zdm connects as the table's owner, a role that is
 * neither superuser nor {@code BYPASSRLS}, and the application as a role of its own, granted through
 * default privileges. Roles are cluster-wide: their names are unique to this run, and they are dropped
 * after the class.
 */
@ExtendWith(PostgresExtension.class)
class IsolationTests {

	private static final String SUFFIX = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

	/** Owns the tables; zdm connects as this role. */
	private static final String OWNER = "zdm_owner_" + SUFFIX;

	/** The application: every right on every table through default privileges, rows of its tenant. */
	private static final String APP = "zdm_app_" + SUFFIX;

	/** Only SELECT on the table, though default privileges would give it everything. */
	private static final String READER = "zdm_reader_" + SUFFIX;

	/** A migration role with BYPASSRLS, member of the owner. */
	private static final String MIGRATOR = "zdm_migrator_" + SUFFIX;

	private static final String PASSWORD = "pw_" + SUFFIX;

	private static final List<String> ROLES = List.of(MIGRATOR, READER, APP, OWNER);

	private static final String RENAME_EMAIL = """
			id: tenant-email
			operations:
			  - renameColumn: {table: users, from: email, to: email_address}
			""";

	private final TestDatabase db;

	IsolationTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeAll
	static void createRoles(TestDatabase db) {
		for (String role : List.of(OWNER, APP, READER)) {
			db.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + PASSWORD + "'");
		}
		db.execute("CREATE ROLE " + MIGRATOR + " LOGIN NOSUPERUSER BYPASSRLS PASSWORD '" + PASSWORD + "' IN ROLE " + OWNER,
				"GRANT CREATE ON DATABASE " + db.name() + " TO " + OWNER,
				"GRANT USAGE, CREATE ON SCHEMA public TO " + OWNER,
				"GRANT USAGE ON SCHEMA public TO " + APP + ", " + READER,
				// Ordinary default privileges: whatever the owner creates, the application may use.
				"ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " GRANT ALL ON TABLES TO " + APP + ", " + READER,
				"ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " GRANT USAGE ON SCHEMAS TO " + APP + ", " + READER);
	}

	@AfterAll
	static void dropRoles(TestDatabase db) {
		for (String role : ROLES) {
			if (db.queryLong("SELECT count(*) FROM pg_roles WHERE rolname = ?", role) > 0) {
				db.execute("DROP OWNED BY " + role + " CASCADE", "DROP ROLE " + role);
			}
		}
	}

	@BeforeEach
	void users() {
		this.db.execute("DROP TABLE IF EXISTS users CASCADE",
				"DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname = 'zdm' "
						+ "OR nspname LIKE 'zdm\\_%' LOOP EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE'; END LOOP; END $$",
				"SET ROLE " + OWNER,
				"CREATE TABLE users (id bigint PRIMARY KEY, tenant_id int NOT NULL, email text)",
				"INSERT INTO users SELECT g, 1 + g % 3, 'user' || g || '@example.com' FROM generate_series(1, 9000) g",
				"REVOKE ALL ON users FROM " + READER, "GRANT SELECT ON users TO " + READER,
				"CREATE POLICY tenant_isolation ON users USING (tenant_id = current_setting('app.tenant', true)::int)",
				"ALTER TABLE users ENABLE ROW LEVEL SECURITY", "RESET ROLE");
	}

	// Item 3: zdm sees every row it copies and verifies, or refuses.

	@Test
	void forcedRowLevelSecurityIsRefusedBeforeAnyDdl() {
		this.db.execute("ALTER TABLE users FORCE ROW LEVEL SECURITY");
		Orchestrator zdm = zdm(as(OWNER));
		assertRefused(zdm, "zdm", RENAME_EMAIL,
				"db/zdm/tenant-email.yaml: operation 1 (renameColumn): table public.users has FORCE ROW LEVEL SECURITY "
						+ "and zdm connects as role \"" + OWNER + "\", its owner, so the table's policies apply to zdm",
				"would see only the rows the policies show it",
				"Connect zdm as a role with BYPASSRLS that only zdm uses and that is a member of the table's owner",
				"CREATE ROLE zdm_migrator LOGIN BYPASSRLS IN ROLE \"" + OWNER + "\"",
				"or run ALTER TABLE public.users NO FORCE ROW LEVEL SECURITY until the migration completes.");
	}

	@Test
	void aMigrationRoleWithBypassRlsCopiesEveryRowOfAForcedTable() {
		this.db.execute("ALTER TABLE users FORCE ROW LEVEL SECURITY");
		Orchestrator zdm = zdm(as(MIGRATOR));
		zdm.start(plan(RENAME_EMAIL));
		assertThat(zdm.advanceTo("tenant-email", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE email_address = 'user' || id || '@example.com'"))
			.isEqualTo(9000);
	}

	@Test
	void rowLevelSecurityForcedAfterExpandStopsTheBackfillInsteadOfSkippingRows() {
		Orchestrator zdm = zdm(as(OWNER));
		zdm.start(plan(RENAME_EMAIL));
		assertThat(zdm.advance("tenant-email").phase()).isEqualTo(Phase.EXPANDED);
		this.db.execute("ALTER TABLE users FORCE ROW LEVEL SECURITY");
		assertThatThrownBy(() -> zdm.advance("tenant-email")).hasMessageContaining("row level security")
			.hasMessageContaining("public.users")
			.hasMessageContaining("Connect zdm as a role with BYPASSRLS");
		// Refused while planning the backfill's ranges: nothing was copied.
		assertThat(zdm.status("tenant-email").phase()).isIn(Phase.EXPANDED, Phase.BACKFILLING);
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE email_address IS NOT NULL")).isZero();
		// Fixed as the error says, the backfill resumes and copies every row.
		this.db.execute("ALTER TABLE users NO FORCE ROW LEVEL SECURITY");
		assertThat(zdm.advanceTo("tenant-email", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE email_address = 'user' || id || '@example.com'"))
			.isEqualTo(9000);
	}

	@Test
	void rowLevelSecurityForcedBetweenBatchesStopsTheBackfill() {
		AtomicBoolean once = new AtomicBoolean();
		MigrationListener afterTheFirstBatch = new MigrationListener() {
			@Override
			public void batchCompleted(String migrationId, int operation, int scanned, int updated, Duration time) {
				if (once.compareAndSet(false, true)) {
					IsolationTests.this.db.execute("ALTER TABLE users FORCE ROW LEVEL SECURITY");
				}
			}
		};
		Orchestrator zdm = new Orchestrator(as(OWNER), ZdmSettings.defaults().withListener(afterTheFirstBatch)
			.withBackfill(BackfillSettings.defaults().withBatchSizes(1000, 1000, 1000)));
		zdm.install();
		zdm.start(plan(RENAME_EMAIL));
		zdm.advance("tenant-email");
		assertThatThrownBy(() -> zdm.advance("tenant-email"))
			.hasMessageContaining("Backfill of tenant-email operation 1 failed: row level security applies to zdm's role "
					+ "on public.users")
			.hasMessageContaining("Connect zdm as a role with BYPASSRLS");
		assertThat(zdm.status("tenant-email").phase()).isEqualTo(Phase.BACKFILLING);
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE email_address IS NOT NULL")).isEqualTo(1000);
		this.db.execute("ALTER TABLE users NO FORCE ROW LEVEL SECURITY");
		assertThat(zdm.advanceTo("tenant-email", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE email_address = 'user' || id || '@example.com'"))
			.isEqualTo(9000);
	}

	@Test
	void verificationDoesNotPassOverRowsItCannotSee() {
		AtomicBoolean once = new AtomicBoolean();
		MigrationListener afterTheOnlyBatch = new MigrationListener() {
			@Override
			public void batchCompleted(String migrationId, int operation, int scanned, int updated, Duration time) {
				if (once.compareAndSet(false, true)) {
					// A write the sync trigger did not see (it was disabled for a moment), then the table is forced.
					IsolationTests.this.db.execute("ALTER TABLE users DISABLE TRIGGER USER",
							"UPDATE users SET email = 'changed@example.com' WHERE id = 3",
							"DO $$ DECLARE t text; BEGIN FOR t IN SELECT tgname FROM pg_trigger WHERE tgrelid = "
									+ "'users'::regclass AND NOT tgisinternal LOOP EXECUTE format("
									+ "'ALTER TABLE users ENABLE ALWAYS TRIGGER %I', t); END LOOP; END $$",
							"ALTER TABLE users FORCE ROW LEVEL SECURITY");
				}
			}
		};
		Orchestrator zdm = new Orchestrator(as(OWNER), ZdmSettings.defaults().withListener(afterTheOnlyBatch)
			.withBackfill(BackfillSettings.defaults().withBatchSizes(10_000, 10_000, 10_000)));
		zdm.install();
		zdm.start(plan(RENAME_EMAIL));
		zdm.advance("tenant-email");
		assertThatThrownBy(() -> zdm.advance("tenant-email")).hasMessageContaining("row level security")
			.hasMessageContaining("public.users");
		assertThat(zdm.status("tenant-email").phase()).isEqualTo(Phase.BACKFILLING);
		this.db.execute("ALTER TABLE users NO FORCE ROW LEVEL SECURITY");
		assertThatThrownBy(() -> zdm.advance("tenant-email")).hasMessageContaining("found 1 rows whose new value differs");
		assertThat(zdm.advanceTo("tenant-email", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT email_address FROM users WHERE id = 3"))
			.containsExactly("changed@example.com");
	}

	// Item 5: the version schema shows a role what the table shows it, and lets it do what the table lets it.

	@Test
	void versionSchemaViewsShowTheApplicationOnlyItsRowsAndRights() throws SQLException {
		Orchestrator zdm = zdm(as(OWNER));
		zdm.start(plan(RENAME_EMAIL));
		assertThat(zdm.advance("tenant-email").phase()).isEqualTo(Phase.EXPANDED);
		try (Connection app = as(APP).getConnection(); Statement statement = app.createStatement()) {
			statement.execute("SET app.tenant = 1");
			assertThat(ids(statement, "users")).hasSize(3000);
			assertThat(ids(statement, "zdm_tenant_email.users")).isEqualTo(ids(statement, "users"));
			// id 1 belongs to tenant 2; id 3 to tenant 1.
			assertThat(statement.executeUpdate("UPDATE zdm_tenant_email.users SET email_address = 'x' WHERE id = 1"))
				.isZero();
			assertThat(statement.executeUpdate("UPDATE zdm_tenant_email.users SET email_address = 'mine@example.com' "
					+ "WHERE id = 3")).isEqualTo(1);
		}
		assertThat(this.db.queryStrings("SELECT email FROM users WHERE id IN (1, 3) ORDER BY id"))
			.containsExactly("user1@example.com", "mine@example.com");
		try (Connection reader = as(READER).getConnection(); Statement statement = reader.createStatement()) {
			statement.execute("SET app.tenant = 2");
			assertThat(ids(statement, "zdm_tenant_email.users")).hasSize(3000).isEqualTo(ids(statement, "users"));
			assertThatThrownBy(() -> statement.executeUpdate("UPDATE zdm_tenant_email.users SET email_address = 'x' "
					+ "WHERE id = 1")).hasMessageContaining("permission denied");
		}
		assertThat(this.db.queryStrings("SELECT email FROM users WHERE id = 1")).containsExactly("user1@example.com");
		// Exactly the table's grants, though default privileges gave the view more; the schema is no one's to use
		// but theirs (and its owner's).
		assertThat(acl("zdm_tenant_email.users")).isEqualTo(acl("public.users")).contains(READER + " SELECT false")
			.doesNotContain(READER + " UPDATE false");
		assertThat(this.db.queryStrings("SELECT string_agg(x, ', ' ORDER BY x) FROM (SELECT pg_get_userbyid(a.grantee) "
				+ "|| ' ' || a.privilege_type AS x FROM pg_namespace n, aclexplode(n.nspacl) a "
				+ "WHERE n.nspname = 'zdm_tenant_email') t"))
			.containsExactly(APP + " USAGE, " + OWNER + " CREATE, " + OWNER + " USAGE, " + READER + " USAGE");
		assertThat(zdm.advanceTo("tenant-email", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void onPostgresql14ATableWithRowLevelSecurityIsRefused() {
		zdm(as(OWNER));
		Orchestrator zdm = new Orchestrator(reportingMajorVersion(as(OWNER), 14), ZdmSettings.defaults());
		assertRefused(zdm, "zdm", RENAME_EMAIL, "operation 1 (renameColumn): table public.users has row level security, "
				+ "and PostgreSQL 14 cannot make the views of the version schema zdm_tenant_email apply it",
				"Run this migration on PostgreSQL 15 or newer");
	}

	// Item 9: zdm never drops a schema it did not create.

	@Test
	void anExistingSchemaNamedLikeTheVersionSchemaIsRefusedAndKept() {
		this.db.execute("CREATE SCHEMA zdm_archive", "CREATE TABLE zdm_archive.orders (id int PRIMARY KEY)",
				"INSERT INTO zdm_archive.orders VALUES (1), (2)");
		Orchestrator zdm = zdm(this.db.dataSource());
		assertRefused(zdm, "zdm", """
				id: archive
				operations:
				  - renameColumn: {table: users, from: email, to: email_address}
				""", "db/zdm/archive.yaml: schema zdm_archive, the version schema zdm would create for this migration, "
				+ "already exists and was not created by zdm for it; zdm never drops what it did not create. Rename that "
				+ "schema, or give the migration another id.");
		assertThat(this.db.queryLong("SELECT count(*) FROM zdm_archive.orders")).isEqualTo(2);
	}

	@Test
	void aStateSchemaNamedLikeTheVersionSchemaIsRefused() {
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults().withSchema("zdm_app"));
		zdm.install();
		assertRefused(zdm, "zdm_app", """
				id: app
				operations:
				  - renameColumn: {table: users, from: email, to: email_address}
				""", "db/zdm/app.yaml: the version schema of this migration would be zdm_app, which is zdm's state schema "
				+ "(zdm.schema): give the migration another id, or keep zdm's state in another schema.");
	}

	@Test
	void aUserTableInTheVersionSchemaSurvivesRollback() {
		Orchestrator zdm = zdm(this.db.dataSource());
		zdm.start(plan(RENAME_EMAIL));
		zdm.advance("tenant-email");
		this.db.execute("CREATE TABLE zdm_tenant_email.notes (id int PRIMARY KEY, body text)",
				"INSERT INTO zdm_tenant_email.notes VALUES (1, 'mine')");
		assertThat(zdm.rollback("tenant-email").phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(this.db.queryStrings("SELECT body FROM zdm_tenant_email.notes")).containsExactly("mine");
		assertThat(this.db.queryStrings("SELECT to_regclass('zdm_tenant_email.users')::text")).containsOnlyNulls();
		assertThat(LifecycleUnderLoadTests.columns(this.db, "users")).containsExactly("id", "tenant_id", "email");
		// Started again (changed), the migration takes its schema back, with the user's table in it.
		zdm.start(plan(RENAME_EMAIL.replace("to: email_address", "to: contact_email")));
		assertThat(zdm.advance("tenant-email").phase()).isEqualTo(Phase.EXPANDED);
		assertThat(LifecycleUnderLoadTests.columns(this.db, "zdm_tenant_email.users"))
			.containsExactly("id", "tenant_id", "contact_email");
		assertThat(this.db.queryStrings("SELECT body FROM zdm_tenant_email.notes")).containsExactly("mine");
	}

	@Test
	void aUserTableInTheVersionSchemaSurvivesContract() {
		Orchestrator zdm = zdm(this.db.dataSource());
		zdm.start(plan(RENAME_EMAIL));
		zdm.advance("tenant-email");
		this.db.execute("CREATE TABLE zdm_tenant_email.notes (id int PRIMARY KEY, body text)",
				"INSERT INTO zdm_tenant_email.notes VALUES (1, 'mine')");
		assertThat(zdm.advanceTo("tenant-email", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT body FROM zdm_tenant_email.notes")).containsExactly("mine");
		assertThat(this.db.queryStrings("SELECT to_regclass('zdm_tenant_email.users')::text")).containsOnlyNulls();
		assertThat(LifecycleUnderLoadTests.columns(this.db, "users")).containsExactly("id", "tenant_id", "email_address");
	}

	@Test
	void aUserViewOverAVersionSchemaViewStopsRollbackWithTheFixUntilItIsGone() {
		Orchestrator zdm = zdm(this.db.dataSource());
		zdm.start(plan(RENAME_EMAIL));
		zdm.advance("tenant-email");
		this.db.execute("CREATE VIEW report AS SELECT id, email_address FROM zdm_tenant_email.users");
		assertThatThrownBy(() -> zdm.rollback("tenant-email"))
			.hasMessageContaining("View zdm_tenant_email.users of migration tenant-email is used by objects zdm did not "
					+ "create, which dropping it would drop too; drop them or make them use the table instead, then try "
					+ "again.")
			.hasMessageContaining("view report depends on view zdm_tenant_email.users");
		assertThat(zdm.status("tenant-email").phase()).isEqualTo(Phase.EXPANDED);
		assertThat(this.db.queryLong("SELECT count(*) FROM report")).isEqualTo(9000);
		this.db.execute("DROP VIEW report");
		assertThat(zdm.rollback("tenant-email").phase()).isEqualTo(Phase.ROLLED_BACK);
		LifecycleUnderLoadTests.assertNoZdmObjectsLeft(this.db, "users");
	}

	// Item 10: zdm does not migrate its own tables.

	@Test
	void aPlanOnZdmsStateTablesIsRefused() {
		Orchestrator zdm = zdm(this.db.dataSource());
		assertRefused(zdm, "zdm", """
				id: own-state
				operations:
				  - renameColumn: {table: zdm.zdm_migration, from: description, to: summary}
				""", "db/zdm/own-state.yaml: operation 1 (renameColumn): table zdm.zdm_migration is in zdm's state schema "
				+ "(zdm.schema), which zdm does not migrate: its state would become unreadable. Change the tables of your "
				+ "application only.");
	}

	@Test
	void aPlanOnATableInAVersionSchemaIsRefused() {
		Orchestrator zdm = zdm(this.db.dataSource());
		zdm.start(plan(RENAME_EMAIL));
		zdm.advance("tenant-email");
		this.db.execute("CREATE TABLE zdm_tenant_email.notes (id int PRIMARY KEY, body text)");
		assertRefused(zdm, "zdm", """
				id: notes
				operations:
				  - renameColumn: {table: zdm_tenant_email.notes, from: body, to: text}
				""", "db/zdm/notes.yaml: operation 1 (renameColumn): table zdm_tenant_email.notes is in the version schema "
				+ "of migration tenant-email, which zdm drops when that migration ends. Move the table to a schema of "
				+ "your own first.");
	}

	private Orchestrator zdm(DataSource dataSource) {
		Orchestrator zdm = new Orchestrator(dataSource, ZdmSettings.defaults());
		zdm.install();
		return zdm;
	}

	private static Plan plan(String yaml) {
		return new PlanLoader().load(yaml, "db/zdm/" + yaml.lines().findFirst().orElseThrow().substring(4) + ".yaml");
	}

	private DataSource as(String role) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.db.jdbcUrl());
		dataSource.setUser(role);
		dataSource.setPassword(PASSWORD);
		dataSource.setApplicationName("zdm-test-" + role);
		return dataSource;
	}

	/** A relation's grants: grantee, privilege, grant option. */
	private List<String> acl(String relation) {
		return this.db.queryStrings("SELECT coalesce(pg_get_userbyid(nullif(a.grantee, 0)), 'PUBLIC') || ' ' || "
				+ "a.privilege_type || ' ' || a.is_grantable FROM pg_class c, "
				+ "aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a WHERE c.oid = ?::regclass ORDER BY 1",
				relation);
	}

	private static List<Long> ids(Statement statement, String relation) throws SQLException {
		List<Long> ids = new java.util.ArrayList<>();
		try (ResultSet rs = statement.executeQuery("SELECT id FROM " + relation + " ORDER BY id")) {
			while (rs.next()) {
				ids.add(rs.getLong(1));
			}
		}
		return ids;
	}

	private void assertRefused(Orchestrator zdm, String stateSchema, String yaml, String... messages) {
		String catalog = catalog();
		Plan plan = plan(yaml);
		assertThatThrownBy(() -> zdm.start(plan)).isInstanceOfSatisfying(PlanException.class, (ex) -> {
			assertThat(ex.getMessage()).startsWith("Plan " + plan.id() + " was refused, nothing was executed:");
			for (String message : messages) {
				assertThat(ex.getMessage()).contains(message);
			}
		});
		assertThat(catalog()).isEqualTo(catalog);
		assertThat(this.db.queryLong("SELECT count(*) FROM " + stateSchema + ".zdm_migration WHERE id = ?", plan.id()))
			.isZero();
	}

	/** Schemas, columns, constraints, triggers, functions and privileges outside PostgreSQL's own schemas. */
	private String catalog() {
		return this.db.queryStrings("""
				SELECT string_agg(x, '; ' ORDER BY x) FROM (
				  SELECT 'schema ' || nspname || ' ' || coalesce(nspacl::text, '-') AS x FROM pg_namespace
				  WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
				  UNION ALL SELECT n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
				  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				  WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND a.attnum > 0 AND NOT a.attisdropped
				  UNION ALL SELECT 'acl ' || c.oid::regclass::text || ' ' || coalesce(c.relacl::text, '-') || ' ' || c.relrowsecurity
				    || c.relforcerowsecurity FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
				  UNION ALL SELECT 'constraint ' || conname FROM pg_constraint WHERE connamespace >= 16384
				  UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
				  UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace >= 16384
				) t""").get(0);
	}

	/** {@code dataSource}, with connections that report PostgreSQL {@code major} in their metadata. */
	private static DataSource reportingMajorVersion(DataSource dataSource, int major) {
		return proxy(DataSource.class, dataSource, (method, result) -> (result instanceof Connection connection)
				? proxy(Connection.class, connection, (m, r) -> (r instanceof DatabaseMetaData metaData)
						? proxy(DatabaseMetaData.class, metaData,
								(mm, rr) -> "getDatabaseMajorVersion".equals(mm.getName()) ? major : rr)
						: r)
				: result);
	}

	@FunctionalInterface
	private interface ResultMapper {

		Object map(Method method, Object result) throws Exception;

	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, T target, ResultMapper mapper) {
		return (T) Proxy.newProxyInstance(IsolationTests.class.getClassLoader(), new Class<?>[] { type },
				(proxy, method, args) -> {
					try {
						return mapper.map(method, method.invoke(target, args));
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}

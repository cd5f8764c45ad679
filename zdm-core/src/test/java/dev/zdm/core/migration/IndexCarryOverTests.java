package dev.zdm.core.migration;

import java.util.List;

import dev.zdm.core.operation.ColumnCopy;
import dev.zdm.core.plan.Plan;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Indexes and unique constraints on a renamed or retyped column are rebuilt concurrently on the new
 * column before switch and take the old names at contract.
 */
@ExtendWith(PostgresExtension.class)
class IndexCarryOverTests {

	private final TestDatabase db;

	IndexCarryOverTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void createTable() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS users CASCADE",
				"CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL CONSTRAINT users_email_key UNIQUE, "
						+ "deleted_at timestamptz, code int)",
				"CREATE INDEX users_email_lower_idx ON users (lower(email))",
				"CREATE INDEX users_live_email_idx ON users (email) INCLUDE (code) WHERE deleted_at IS NULL",
				"CREATE INDEX users_code_email_idx ON users (code, email DESC NULLS LAST)",
				"INSERT INTO users SELECT g, 'u' || g || '@x', NULL, g % 7 FROM generate_series(1, 5000) g");
	}

	@Test
	void renameRebuildsEveryIndexAndUniqueConstraintUnderItsOriginalName() {
		Orchestrator zdm = orchestrator();
		zdm.start(Plan.builder("rename-email").renameColumn("users", "email", "email_address").build());
		assertThat(zdm.advanceTo("rename-email", Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		assertThat(this.db.queryStrings("SELECT indexname FROM pg_indexes WHERE tablename = 'users' AND indexname LIKE 'zdm%'"))
			.containsExactlyInAnyOrder(copy("users_code_email_idx"), copy("users_email_key"), copy("users_email_lower_idx"),
					copy("users_live_email_idx"));
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_index WHERE indrelid = 'users'::regclass AND NOT indisvalid"))
			.isZero();
		// The unique index on the new column already refuses a duplicate written through either name.
		assertThatThrownBy(() -> this.db.execute("UPDATE users SET email_address = 'u1@x' WHERE id = 2"))
			.hasMessageContaining("duplicate key");

		assertThat(zdm.advance("rename-email").phase()).isEqualTo(Phase.COMPLETED);

		assertThat(indexes()).containsExactly(
				"users_code_email_idx: CREATE INDEX users_code_email_idx ON public.users USING btree (code, email_address DESC NULLS LAST)",
				"users_email_key: CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email_address)",
				"users_email_lower_idx: CREATE INDEX users_email_lower_idx ON public.users USING btree (lower(email_address))",
				"users_live_email_idx: CREATE INDEX users_live_email_idx ON public.users USING btree (email_address) INCLUDE (code) WHERE (deleted_at IS NULL)",
				"users_pkey: CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)");
		assertThat(this.db.queryStrings("SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
				+ "WHERE conrelid = 'users'::regclass AND contype = 'u'")).containsExactly("users_email_key UNIQUE (email_address)");
		assertThatThrownBy(() -> this.db.execute("INSERT INTO users (id, email_address) VALUES (9999, 'u1@x')"))
			.hasMessageContaining("users_email_key");
	}

	@Test
	void rollbackDropsTheCopies() {
		Orchestrator zdm = orchestrator();
		zdm.start(Plan.builder("rename-email").renameColumn("users", "email", "email_address").build());
		List<String> before = indexes();
		zdm.advanceTo("rename-email", Phase.SWITCHED);
		assertThat(zdm.rollback("rename-email").phase()).isEqualTo(Phase.ROLLED_BACK);
		assertThat(indexes()).isEqualTo(before);
	}

	@Test
	void anInvalidIndexLeftByAnInterruptedBuildIsRebuilt() {
		Orchestrator zdm = orchestrator();
		zdm.start(Plan.builder("rename-email").renameColumn("users", "email", "email_address").build());
		zdm.advanceTo("rename-email", Phase.BACKFILLED);
		// What a build interrupted half-way leaves: an index marked invalid under the name zdm uses.
		this.db.execute("CREATE UNIQUE INDEX " + copy("users_email_key") + " ON users (email_address)",
				"UPDATE pg_index SET indisvalid = false WHERE indexrelid = '" + copy("users_email_key") + "'::regclass");
		assertThat(zdm.advance("rename-email").phase()).isEqualTo(Phase.SWITCHED);
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_index WHERE indrelid = 'users'::regclass AND NOT indisvalid"))
			.isZero();
	}

	@Test
	void anIndexCreatedOnTheOldColumnAfterSwitchIsCarriedAtContract() {
		Orchestrator zdm = orchestrator();
		zdm.start(Plan.builder("rename-email").renameColumn("users", "email", "email_address").build());
		zdm.advanceTo("rename-email", Phase.SWITCHED);
		this.db.execute("CREATE INDEX users_aaa_email_idx ON users (email, id)");
		assertThat(zdm.advance("rename-email").phase()).isEqualTo(Phase.COMPLETED);
		assertThat(this.db.queryStrings("SELECT indexdef FROM pg_indexes WHERE indexname = 'users_aaa_email_idx'"))
			.containsExactly("CREATE INDEX users_aaa_email_idx ON public.users USING btree (email_address, id)");
		assertThat(this.db.queryStrings("SELECT indexdef FROM pg_indexes WHERE indexname = 'users_email_key'"))
			.containsExactly("CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email_address)");
	}

	private static String copy(String original) {
		return ColumnCopy.temporaryIndexName("rename-email", 1, original).name();
	}

	private Orchestrator orchestrator() {
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults());
		zdm.install();
		return zdm;
	}

	private List<String> indexes() {
		return this.db.queryStrings("SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE tablename = 'users' ORDER BY 1");
	}

}

package dev.zdm.sample;

import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.migration.Phase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The guide's "remove a column" scenario, {@code db/zdm/007-accounts-drop-legacy-code.yaml}, on the sample app's
 * schema and data while old and new code write: to {@code COMPLETED} and undone from the archive, and rolled
 * back, with every row checked. Old code writes the same value into {@code legacy_code} and {@code email}; new
 * code, which cannot see {@code legacy_code}, writes {@code email} and inserts rows without it (expand dropped
 * its {@code NOT NULL}). Sessions own their rows ({@link ScenarioRun}): session {@code s} updates the ids
 * {@code 1 + 4k + s} and inserts from {@code 10,000,000 + s * 1,000,000}; sessions 0 and 1 are old code.
 */
class DropColumnScenarioTests {

	private static final ScenarioRun.Shape ACCOUNTS = new ScenarioRun.Shape() {

		@Override
		public String insert(boolean newShape) {
			return newShape ? "INSERT INTO accounts (id, email) VALUES (?, ?)"
					: "INSERT INTO accounts (id, legacy_code, email) SELECT i, v, v FROM (SELECT ?::bigint AS i, ?::text AS v) s";
		}

		@Override
		public String update(boolean newShape) {
			return newShape ? "UPDATE accounts SET email = ? WHERE id = ?"
					: "UPDATE accounts SET (legacy_code, email) = (SELECT v, v FROM (SELECT ?::text AS v) s) WHERE id = ?";
		}

		@Override
		public Object value(long n, boolean newShape) {
			return "w" + n + "@example.com";
		}

		@Override
		public String text(long n, boolean finalShape) {
			return "w" + n + "@example.com";
		}

		@Override
		public String read(boolean finalShape) {
			return "SELECT email FROM accounts WHERE id = ?";
		}

	};

	/**
	 * Rows old code wrote (its sessions own them; seeded rows it never reached excepted): their legacy_code is
	 * what it wrote last, as email is.
	 */
	private static final String OLD_CODE_ROWS = "((id <= " + ScenarioRun.UPDATED_IDS + " AND (id - 1) % 4 IN (0, 1)) "
			+ "OR (id >= 10000000 AND (id - 10000000) / 1000000 IN (0, 1))) "
			+ "AND NOT (legacy_code = 'L' || id AND email = 'account' || id || '@example.com')";

	/** Rows only new code wrote: seeded ones it updated (legacy_code as seeded), or inserted. */
	private static final String NEW_CODE_UPDATED = "(id <= " + ScenarioRun.UPDATED_IDS + " AND (id - 1) % 4 IN (2, 3))";

	private static final String NEW_CODE_INSERTED = "(id >= 10000000 AND (id - 10000000) / 1000000 IN (2, 3))";

	@Test
	void dropAColumnThenUndoIt() {
		try (ScenarioRun run = new ScenarioRun("007-accounts-drop-legacy-code.yaml", ACCOUNTS)) {
			run.expandAndWrite().advanceTo(Phase.COMPLETED).assertEveryWrittenRow(true)
				.assertNone("SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts'"
						+ " AND column_name = 'legacy_code'")
				.assertNone("SELECT 20000 - count(*) FROM zdm.zdm_accounts_drop_legacy_code_1_archive WHERE id <= 20000");
			// New code inserted rows without legacy_code: the undo cannot give them back a NOT NULL value.
			assertThatThrownBy(() -> run.orchestrator().undo(run.id())).isInstanceOf(RuntimeException.class)
				.hasMessageContaining("rows of public.accounts have no value for column legacy_code");
			assertThat(run.orchestrator().status(run.id()).phase()).isEqualTo(Phase.UNDOING);
			run.db().execute("UPDATE accounts SET legacy_code = 'inserted by new code' WHERE legacy_code IS NULL");
			assertThat(run.orchestrator().undo(run.id()).phase()).isEqualTo(Phase.UNDONE);
			run.assertNone("SELECT count(*) FROM accounts WHERE " + OLD_CODE_ROWS + " AND legacy_code IS DISTINCT FROM email")
				.assertNone("SELECT count(*) FROM accounts WHERE " + NEW_CODE_UPDATED
						+ " AND legacy_code IS DISTINCT FROM 'L' || id")
				.assertNone("SELECT count(*) FROM accounts WHERE " + NEW_CODE_INSERTED
						+ " AND legacy_code IS DISTINCT FROM 'inserted by new code'")
				.assertNone("SELECT count(*) FROM accounts WHERE id > " + ScenarioRun.UPDATED_IDS + " AND id <= 20000"
						+ " AND (legacy_code IS DISTINCT FROM 'L' || id OR email IS DISTINCT FROM 'account' || id || '@example.com')")
				.assertNone("SELECT 20000 - count(*) FROM accounts WHERE id <= 20000")
				.assertNone("SELECT count(*) FROM pg_attribute WHERE attrelid = 'accounts'::regclass"
						+ " AND attname = 'legacy_code' AND NOT attnotnull");
		}
	}

	@Test
	void dropAColumnRolledBack() {
		try (ScenarioRun run = new ScenarioRun("007-accounts-drop-legacy-code.yaml", ACCOUNTS)) {
			run.expandAndWrite().advanceTo(Phase.SWITCHED)
				.rollBack("UPDATE accounts SET legacy_code = 'inserted by new code' WHERE legacy_code IS NULL")
				.assertEveryWrittenRow(false)
				.assertNone("SELECT count(*) FROM accounts WHERE " + OLD_CODE_ROWS + " AND legacy_code IS DISTINCT FROM email")
				.assertNone("SELECT count(*) FROM accounts WHERE id > " + ScenarioRun.UPDATED_IDS + " AND id <= 20000"
						+ " AND legacy_code IS DISTINCT FROM 'L' || id")
				.assertNone("SELECT count(*) FROM pg_attribute WHERE attrelid = 'accounts'::regclass"
						+ " AND attname = 'legacy_code' AND NOT attnotnull")
				.assertNone("SELECT count(*) FROM pg_class WHERE relname LIKE 'zdm_accounts_drop_legacy_code%'");
		}
	}

}

package dev.zdm.core.ddl;

import java.util.List;
import java.util.Objects;

import dev.zdm.core.sql.QualifiedName;

/**
 * A step of DDL as data: what to run, not how. Only {@link DdlExecutor} decides how each kind runs (in a
 * transaction under the lock timeout, outside one, without a statement timeout), so that every operation's
 * DDL gets the same lock safety.
 */
public sealed interface DdlStep {

	/** What the step does, for logs and errors. */
	String description();

	/**
	 * Statements that run together in one transaction under the lock timeout (retried when a lock is not
	 * granted): metadata-only DDL, which must not scan or rewrite a table. Within a phase, the orchestrator
	 * commits them with the record that they were done.
	 *
	 * @param description what the step does
	 * @param statements the statements, in order; none is a no-op step
	 */
	record InTransaction(String description, List<String> statements) implements DdlStep {

		public InTransaction {
			Objects.requireNonNull(description, "description");
			statements = List.copyOf(statements);
		}

		/** A step that does nothing. */
		public static InTransaction none(String description) {
			return new InTransaction(description, List.of());
		}

	}

	/**
	 * One statement that runs outside a transaction ({@code CREATE INDEX CONCURRENTLY}), without a lock or
	 * statement timeout: it takes no lock that reads or writes wait for. An index of that name left invalid
	 * by an interrupted build is dropped first (an {@code IF NOT EXISTS} build would keep it, invalid, for
	 * ever), and again when an attempt fails.
	 *
	 * @param description what the step does
	 * @param sql the statement
	 * @param index the index the statement builds, schema-qualified, or {@code null}
	 * @param failureReport a query giving one text that explains a failure of the statement (the duplicate
	 * values that failed a unique build), run after it, or {@code null}
	 */
	record Concurrently(String description, String sql, QualifiedName index, String failureReport) implements DdlStep {

		public Concurrently {
			Objects.requireNonNull(description, "description");
			Objects.requireNonNull(sql, "sql");
		}

		/** A statement without a failure report. */
		public Concurrently(String description, String sql, QualifiedName index) {
			this(description, sql, index, null);
		}

	}

	/**
	 * A statement that scans a table under a lock that does not block reads and writes
	 * ({@code VALIDATE CONSTRAINT}, {@code SHARE UPDATE EXCLUSIVE}): in a transaction under the lock timeout,
	 * without a statement timeout.
	 *
	 * @param description what the step does
	 * @param sql the statement
	 */
	record Validating(String description, String sql) implements DdlStep {

		public Validating {
			Objects.requireNonNull(description, "description");
			Objects.requireNonNull(sql, "sql");
		}

	}

}

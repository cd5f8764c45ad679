package dev.zdm.core.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * A declared migration: an id, a description and the operations it performs, loaded from a YAML file by
 * {@link PlanLoader} or built in Java with {@link #builder(String)}.
 *
 * @param id the unique key of the migration ({@code [a-z0-9-]}, at most {@value #MAX_ID_LENGTH} characters)
 * @param description what the migration does, for people
 * @param operations the operations, in order
 * @param source where the plan came from (a file, or {@code java})
 */
public record Plan(String id, String description, List<Operation> operations, String source) {

	/** Ids appear inside generated object names, which PostgreSQL limits to 63 bytes. */
	public static final int MAX_ID_LENGTH = 40;

	private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

	public Plan {
		String problem = idProblem(id);
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
		Objects.requireNonNull(operations, "operations");
		if (operations.isEmpty()) {
			throw new IllegalArgumentException("plan " + id + " has no operations");
		}
		operations = List.copyOf(operations);
		description = (description != null) ? description : "";
		source = (source != null) ? source : "java";
	}

	/** Why {@code id} is not a valid migration id, or {@code null}. */
	public static String idProblem(String id) {
		if (id == null || id.isEmpty()) {
			return "a migration id is required";
		}
		if (id.length() > MAX_ID_LENGTH) {
			return "id \"" + id + "\" is longer than " + MAX_ID_LENGTH + " characters";
		}
		if (!ID.matcher(id).matches()) {
			return "id \"" + id + "\" must be lower-case letters and digits separated by single '-' (e.g. rename-users-email)";
		}
		return null;
	}

	/**
	 * SHA-256 of the plan's id and operations (not its description, comments or layout). A started
	 * migration refuses a plan whose checksum changed.
	 */
	public String checksum() {
		StringBuilder text = new StringBuilder(this.id);
		for (Operation operation : this.operations) {
			text.append('\n').append(operation.canonical());
		}
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A plan built in Java. */
	public static Builder builder(String id) {
		return new Builder(id);
	}

	/**
	 * Builds a {@link Plan} in Java; names are validated as in a plan file, and every problem is reported at
	 * once by {@link #build()} as a {@link PlanException}.
	 */
	public static final class Builder {

		private final String id;

		private String description;

		private final List<Operation> operations = new ArrayList<>();

		private final List<PlanProblem> problems = new ArrayList<>();

		private int count;

		private Builder(String id) {
			this.id = id;
		}

		public Builder description(String description) {
			this.description = description;
			return this;
		}

		public Builder renameColumn(String table, String from, String to) {
			return operation("renameColumn",
					() -> new RenameColumn(QualifiedName.parse(table), Identifier.of(from), Identifier.of(to)));
		}

		public Builder changeColumnType(String table, String column, String type, String up, String down) {
			return changeColumnType(table, column, type, up, down, null);
		}

		public Builder changeColumnType(String table, String column, String type, String up, String down,
				String rename) {
			return operation("changeColumnType", () -> new ChangeColumnType(QualifiedName.parse(table),
					Identifier.of(column), type, up, down, (rename != null) ? Identifier.of(rename) : null, null));
		}

		/** {@code createIndex} on {@code columns}; other forms through {@link #operation(Operation)}. */
		public Builder createIndex(String table, String name, boolean unique, String... columns) {
			return operation("createIndex", () -> new CreateIndex(QualifiedName.parse(table), Identifier.of(name),
					java.util.Arrays.stream(columns).map(Identifier::of).toList(), null, unique, null, null, null));
		}

		public Builder dropIndex(String name) {
			return operation("dropIndex", () -> new DropIndex(QualifiedName.parse(name)));
		}

		public Builder addCheckConstraint(String table, String name, String check) {
			return operation("addCheckConstraint",
					() -> new AddCheckConstraint(QualifiedName.parse(table), Identifier.of(name), check));
		}

		/** {@code setNotNull}; {@code fill} may be {@code null}. */
		public Builder setNotNull(String table, String column, String fill) {
			return operation("setNotNull", () -> new SetNotNull(QualifiedName.parse(table), Identifier.of(column), fill));
		}

		public Builder setDefault(String table, String column, String defaultExpression) {
			return operation("setDefault",
					() -> new SetDefault(QualifiedName.parse(table), Identifier.of(column), defaultExpression));
		}

		public Builder dropNotNull(String table, String column) {
			return operation("dropNotNull", () -> new DropNotNull(QualifiedName.parse(table), Identifier.of(column)));
		}

		public Builder dropDefault(String table, String column) {
			return operation("dropDefault", () -> new DropDefault(QualifiedName.parse(table), Identifier.of(column)));
		}

		public Builder renameTable(String table, String to) {
			return operation("renameTable", () -> new RenameTable(QualifiedName.parse(table), Identifier.of(to)));
		}

		public Builder dropTable(String table) {
			return operation("dropTable", () -> new DropTable(QualifiedName.parse(table)));
		}

		/**
		 * {@code sql} in {@code phase} ({@code expand} or {@code contract}), with the rules it allows
		 * (rule id to reason); {@code table} through {@link #operation(Operation)}.
		 */
		public Builder sql(String phase, List<String> statements, List<String> rollback,
				java.util.Map<String, String> allowUnsafe) {
			return operation("sql", () -> new Sql(Sql.Phase.valueOf(phase.toUpperCase(java.util.Locale.ROOT)),
					statements.stream().map(Sql.Statement::of).toList(), rollback.stream().map(Sql.Statement::of).toList(),
					allowUnsafe.entrySet().stream().map((allow) -> new Sql.AllowUnsafe(allow.getKey(), allow.getValue()))
						.toList(), null));
		}

		/** {@code addColumn}; {@code defaultExpression} and {@code up} may be {@code null}. */
		public Builder addColumn(String table, String column, String type, String defaultExpression, boolean notNull,
				String up) {
			return operation("addColumn", () -> new AddColumn(QualifiedName.parse(table), Identifier.of(column), type,
					defaultExpression, notNull, up));
		}

		/** {@code createTable} with its columns and primary key; constraints through {@link #operation(Operation)}. */
		public Builder createTable(String table, List<CreateTable.Column> columns, String... primaryKey) {
			return operation("createTable", () -> new CreateTable(QualifiedName.parse(table), columns,
					java.util.Arrays.stream(primaryKey).map(Identifier::of).toList(), List.of()));
		}

		/**
		 * {@code addForeignKey} from {@code columns} of {@code table} to {@code referencedColumns} of
		 * {@code referencedTable}, under PostgreSQL's default name, with an index when none leads with the columns
		 * and orphans refused; other forms through {@link #operation(Operation)}.
		 */
		public Builder addForeignKey(String table, List<String> columns, String referencedTable,
				List<String> referencedColumns) {
			return operation("addForeignKey", () -> new AddForeignKey(QualifiedName.parse(table),
					columns.stream().map(Identifier::of).toList(), QualifiedName.parse(referencedTable),
					referencedColumns.stream().map(Identifier::of).toList(), null, null, true, null));
		}

		/**
		 * {@code addUniqueConstraint} on {@code columns} under PostgreSQL's default name; {@code duplicates} is
		 * {@code refuse}, or {@code keep-newest-by}/{@code keep-oldest-by} with the column {@code keepBy}.
		 */
		public Builder addUniqueConstraint(String table, List<String> columns, String duplicates, String keepBy) {
			return operation("addUniqueConstraint", () -> new AddUniqueConstraint(QualifiedName.parse(table),
					columns.stream().map(Identifier::of).toList(), null,
					AddUniqueConstraint.Duplicates.valueOf(duplicates.toUpperCase(java.util.Locale.ROOT).replace('-', '_')),
					(keepBy != null) ? Identifier.of(keepBy) : null));
		}

		public Builder dropColumn(String table, String column) {
			return operation("dropColumn", () -> new DropColumn(QualifiedName.parse(table), Identifier.of(column)));
		}

		/**
		 * {@code replaceColumns} computed by the Java transform {@code transform}; with SQL {@code up}/{@code down}
		 * through {@link #operation(Operation)}.
		 */
		public Builder replaceColumns(String table, List<String> from, List<ReplaceColumns.NewColumn> to,
				String transform) {
			return operation("replaceColumns", () -> new ReplaceColumns(QualifiedName.parse(table),
					from.stream().map(Identifier::of).toList(), to, transform, null, null));
		}

		/** {@code replaceColumns} computed by SQL: {@code up} per new column, {@code down} per old column. */
		public Builder replaceColumns(String table, List<String> from, List<ReplaceColumns.NewColumn> to,
				List<String> up, List<String> down) {
			return operation("replaceColumns", () -> new ReplaceColumns(QualifiedName.parse(table),
					from.stream().map(Identifier::of).toList(), to, null, up, down));
		}

		public Builder operation(Operation operation) {
			this.count++;
			this.operations.add(operation);
			return this;
		}

		private Builder operation(String kind, java.util.function.Supplier<Operation> factory) {
			try {
				return operation(factory.get());
			}
			catch (IllegalArgumentException ex) {
				this.count++;
				this.problems.add(new PlanProblem("java", 0, 0, this.count, kind, ex.getMessage()));
				return this;
			}
		}

		/**
		 * The plan.
		 * @throws PlanException if its id, a name or an expression is not valid
		 */
		public Plan build() {
			List<PlanProblem> all = new ArrayList<>();
			String idProblem = idProblem(this.id);
			if (idProblem != null) {
				all.add(new PlanProblem("java", 0, 0, 0, null, idProblem));
			}
			all.addAll(this.problems);
			if (this.count == 0) {
				all.add(new PlanProblem("java", 0, 0, 0, null, "the plan has no operations: add at least one"));
			}
			if (!all.isEmpty()) {
				throw new PlanException((idProblem == null) ? this.id : null, all);
			}
			return new Plan(this.id, this.description, this.operations, "java");
		}

	}

}

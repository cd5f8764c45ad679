package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.plan.AddCheckConstraint;
import dev.zdm.core.plan.AddColumn;
import dev.zdm.core.plan.AddForeignKey;
import dev.zdm.core.plan.AddUniqueConstraint;
import dev.zdm.core.plan.ChangeColumnType;
import dev.zdm.core.plan.CreateIndex;
import dev.zdm.core.plan.CreateTable;
import dev.zdm.core.plan.DropColumn;
import dev.zdm.core.plan.DropDefault;
import dev.zdm.core.plan.DropIndex;
import dev.zdm.core.plan.DropNotNull;
import dev.zdm.core.plan.DropTable;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.RenameColumn;
import dev.zdm.core.plan.RenameTable;
import dev.zdm.core.plan.ReplaceColumns;
import dev.zdm.core.plan.SetDefault;
import dev.zdm.core.plan.SetNotNull;
import dev.zdm.core.plan.Sql;

/**
 * The registry of operation types: the one place that names every operation. Adding an operation adds its
 * type here twice: in {@link #TYPES} (how plan files find it by kind) and in {@link #BIND} (how a record
 * finds its type), which {@link Operation.Visitor} makes the compiler ask for. A test checks that the two
 * agree and cover every record of the sealed family.
 */
public final class Operations {

	private static final RenameColumnType RENAME_COLUMN = new RenameColumnType();

	private static final ChangeColumnTypeType CHANGE_COLUMN_TYPE = new ChangeColumnTypeType();

	private static final CreateIndexType CREATE_INDEX = new CreateIndexType();

	private static final DropIndexType DROP_INDEX = new DropIndexType();

	private static final AddCheckConstraintType ADD_CHECK_CONSTRAINT = new AddCheckConstraintType();

	private static final SetNotNullType SET_NOT_NULL = new SetNotNullType();

	private static final SetDefaultType SET_DEFAULT = new SetDefaultType();

	private static final DropDefaultType DROP_DEFAULT = new DropDefaultType();

	private static final RenameTableType RENAME_TABLE = new RenameTableType();

	private static final DropTableType DROP_TABLE = new DropTableType();

	private static final SqlType SQL = new SqlType();

	private static final AddColumnType ADD_COLUMN = new AddColumnType();

	private static final CreateTableType CREATE_TABLE = new CreateTableType();

	private static final AddForeignKeyType ADD_FOREIGN_KEY = new AddForeignKeyType();
	private static final AddUniqueConstraintType ADD_UNIQUE_CONSTRAINT = new AddUniqueConstraintType();

	private static final DropColumnType DROP_COLUMN = new DropColumnType();

	private static final ReplaceColumnsType REPLACE_COLUMNS = new ReplaceColumnsType();

	private static final DropNotNullType DROP_NOT_NULL = new DropNotNullType();

	private static final List<OperationType<?>> TYPES = List.of(RENAME_COLUMN, CHANGE_COLUMN_TYPE, CREATE_INDEX,
			DROP_INDEX, ADD_CHECK_CONSTRAINT, SET_NOT_NULL, SET_DEFAULT, DROP_DEFAULT, RENAME_TABLE, DROP_TABLE, SQL,
			ADD_COLUMN, CREATE_TABLE, ADD_FOREIGN_KEY, ADD_UNIQUE_CONSTRAINT, DROP_COLUMN, REPLACE_COLUMNS,
			DROP_NOT_NULL);

	private static final Operation.Visitor<Bound<?>> BIND = new Operation.Visitor<>() {

		@Override
		public Bound<?> renameColumn(RenameColumn operation) {
			return new Bound<>(RENAME_COLUMN, operation);
		}

		@Override
		public Bound<?> changeColumnType(ChangeColumnType operation) {
			return new Bound<>(CHANGE_COLUMN_TYPE, operation);
		}

		@Override
		public Bound<?> createIndex(CreateIndex operation) {
			return new Bound<>(CREATE_INDEX, operation);
		}

		@Override
		public Bound<?> dropIndex(DropIndex operation) {
			return new Bound<>(DROP_INDEX, operation);
		}

		@Override
		public Bound<?> addCheckConstraint(AddCheckConstraint operation) {
			return new Bound<>(ADD_CHECK_CONSTRAINT, operation);
		}

		@Override
		public Bound<?> setNotNull(SetNotNull operation) {
			return new Bound<>(SET_NOT_NULL, operation);
		}

		@Override
		public Bound<?> setDefault(SetDefault operation) {
			return new Bound<>(SET_DEFAULT, operation);
		}

		@Override
		public Bound<?> dropDefault(DropDefault operation) {
			return new Bound<>(DROP_DEFAULT, operation);
		}

		@Override
		public Bound<?> renameTable(RenameTable operation) {
			return new Bound<>(RENAME_TABLE, operation);
		}

		@Override
		public Bound<?> dropTable(DropTable operation) {
			return new Bound<>(DROP_TABLE, operation);
		}

		@Override
		public Bound<?> sql(Sql operation) {
			return new Bound<>(SQL, operation);
		}

		@Override
		public Bound<?> addColumn(AddColumn operation) {
			return new Bound<>(ADD_COLUMN, operation);
		}

		@Override
		public Bound<?> createTable(CreateTable operation) {
			return new Bound<>(CREATE_TABLE, operation);
		}

		@Override
		public Bound<?> addForeignKey(AddForeignKey operation) {
			return new Bound<>(ADD_FOREIGN_KEY, operation);
		}

		@Override
		public Bound<?> addUniqueConstraint(AddUniqueConstraint operation) {
			return new Bound<>(ADD_UNIQUE_CONSTRAINT, operation);
		}

		@Override
		public Bound<?> dropColumn(DropColumn operation) {
			return new Bound<>(DROP_COLUMN, operation);
		}

		@Override
		public Bound<?> replaceColumns(ReplaceColumns operation) {
			return new Bound<>(REPLACE_COLUMNS, operation);
		}

		@Override
		public Bound<?> dropNotNull(DropNotNull operation) {
			return new Bound<>(DROP_NOT_NULL, operation);
		}

	};

	private static final Map<String, OperationType<?>> BY_KIND;

	static {
		Map<String, OperationType<?>> byKind = new LinkedHashMap<>();
		for (OperationType<?> type : TYPES) {
			if (byKind.put(type.kind(), type) != null) {
				throw new IllegalStateException("Two operation types of kind " + type.kind());
			}
		}
		BY_KIND = Map.copyOf(byKind);
	}

	private Operations() {
	}

	/** Every type. */
	public static List<OperationType<?>> types() {
		return TYPES;
	}

	/** The kinds a plan file may use, sorted. */
	public static Set<String> kinds() {
		return new TreeSet<>(BY_KIND.keySet());
	}

	/** The type of the operations of {@code kind}, if there is one. */
	public static Optional<OperationType<?>> type(String kind) {
		return Optional.ofNullable(BY_KIND.get(kind));
	}

	/** {@code operation} with its type. */
	public static Bound<?> bind(Operation operation) {
		return operation.accept(BIND);
	}

	/**
	 * An operation with its type, so that callers that do not know which operation they hold can still use
	 * its type without casts.
	 *
	 * @param <O> the operation's record
	 * @param type the type
	 * @param operation the operation
	 */
	public record Bound<O extends Operation>(OperationType<O> type, O operation) {

		public Optional<TableInfo> table(CatalogReader catalog) throws SQLException {
			return this.type.table(this.operation, catalog);
		}

		public String missingTable() {
			return this.type.missingTable(this.operation);
		}

		public boolean needsExistingTable() {
			return this.type.needsExistingTable();
		}

		public void validate(OperationCheck check) throws SQLException {
			this.type.validate(this.operation, check);
		}

		public void review(OperationCheck check) throws SQLException {
			this.type.review(this.operation, check);
		}

		public Resolved resolve(ResolveContext context) throws SQLException {
			return this.type.resolve(this.operation, context);
		}

		public Undo undo(ResolveContext context, java.sql.Connection connection) throws SQLException {
			return this.type.undo(this.operation, context, connection);
		}

	}

}

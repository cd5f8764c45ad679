package dev.zdm.core.plan;

import java.util.List;

import dev.zdm.core.sql.QualifiedName;

/**
 * One declared schema change of a {@link Plan}: a record of the operation's arguments, nothing more. What
 * an operation does in each phase is its type's business ({@code dev.zdm.core.operation.OperationType}),
 * found through the one registry, {@code dev.zdm.core.operation.Operations}.
 * <p>
 * The family is closed. A new operation is a record here, one {@link Visitor} method (which makes the
 * registry fail to compile until it gives the record a type), and its type.
 */
public sealed interface Operation permits RenameColumn, ChangeColumnType, CreateIndex, DropIndex,
		AddCheckConstraint, SetNotNull, SetDefault, DropDefault, RenameTable, DropTable, Sql, AddColumn, CreateTable,
		AddForeignKey, AddUniqueConstraint, DropColumn, ReplaceColumns, DropNotNull {

	/** The table the operation changes. */
	QualifiedName table();

	/** The tables the operation changes (its {@link #table()} unless it changes several). */
	default List<QualifiedName> tables() {
		return List.of(table());
	}

	/** The operation's name as written in a plan file ({@code renameColumn}). */
	String kind();

	/** A stable text form of the operation's arguments, part of the plan's checksum. */
	String canonical();

	/** Calls the method of {@code visitor} for this record. */
	<R> R accept(Visitor<R> visitor);

	/**
	 * One method per operation record: Java 17 has no pattern matching over a sealed family, so this is how
	 * the compiler makes the registry handle every operation.
	 *
	 * @param <R> what the visitor gives
	 */
	interface Visitor<R> {

		R renameColumn(RenameColumn operation);

		R changeColumnType(ChangeColumnType operation);

		R createIndex(CreateIndex operation);

		R dropIndex(DropIndex operation);

		R addCheckConstraint(AddCheckConstraint operation);

		R setNotNull(SetNotNull operation);

		R setDefault(SetDefault operation);

		R dropDefault(DropDefault operation);

		R renameTable(RenameTable operation);

		R dropTable(DropTable operation);

		R sql(Sql operation);

		R addColumn(AddColumn operation);

		R createTable(CreateTable operation);

		R addForeignKey(AddForeignKey operation);

		R addUniqueConstraint(AddUniqueConstraint operation);

		R dropColumn(DropColumn operation);

		R replaceColumns(ReplaceColumns operation);

		R dropNotNull(DropNotNull operation);

	}

}

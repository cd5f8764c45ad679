package dev.zdm.lint;

import java.util.List;

/**
 * What the linter understood of one statement: only the shapes that matter for locks, rewrites and
 * compatibility are modelled; everything else is either a {@link Harmless} statement the linter knows takes
 * no dangerous lock, or {@link Unparsed}, which is reported rather than skipped.
 */
sealed interface ParsedStatement {

	/** A table or column name as PostgreSQL resolves it: unquoted names folded to lower case. */
	record Name(String schema, String name, SqlToken at) {

		String key() {
			return this.name;
		}

		@Override
		public String toString() {
			return (this.schema != null) ? this.schema + "." + this.name : this.name;
		}

	}

	/** {@code CREATE TABLE}, and {@code CREATE MATERIALIZED VIEW} which creates a relation just as new. */
	record CreateTable(Name table, List<ColumnDefinition> columns, List<ConstraintDefinition> constraints,
			boolean partitionOf, boolean temporary) implements ParsedStatement {
	}

	record CreateIndex(Name index, Name table, boolean concurrently, boolean unique, boolean ifNotExists,
			boolean only) implements ParsedStatement {
	}

	record DropIndex(List<Name> indexes, boolean concurrently, boolean ifExists) implements ParsedStatement {
	}

	record Reindex(String target, Name name, boolean concurrently) implements ParsedStatement {
	}

	record AlterTable(Name table, boolean ifExists, List<AlterAction> actions) implements ParsedStatement {
	}

	record DropTable(List<Name> tables, boolean ifExists, boolean cascade) implements ParsedStatement {
	}

	record Truncate(List<Name> tables, boolean cascade) implements ParsedStatement {
	}

	record Vacuum(boolean full, List<Name> tables) implements ParsedStatement {
	}

	record Cluster(Name table) implements ParsedStatement {
	}

	/**
	 * {@code UPDATE}, {@code DELETE}, {@code MERGE} or {@code INSERT}: writes rows of a table from inside a
	 * schema migration.
	 * @param where the tokens of the top-level WHERE clause (MERGE: its ON condition; INSERT: empty), null
	 * without one
	 */
	record DataChange(String verb, Name table, List<SqlToken> where) implements ParsedStatement {

		/** Whether it writes a system catalog ({@code pg_catalog.*}, or an unqualified {@code pg_*} name). */
		boolean writesSystemCatalog() {
			return this.table != null && ("pg_catalog".equals(this.table.schema())
					|| (this.table.schema() == null && this.table.name().startsWith("pg_")));
		}

		/** No WHERE, or only {@code col IS NULL}: the shape of a whole-table backfill. */
		boolean touchesEveryRow() {
			return this.where == null || (this.where.size() == 3 && this.where.get(0).isIdentifier()
					&& this.where.get(1).isWord("is") && this.where.get(2).isWord("null"));
		}

	}

	record CreateDomain(Name domain, boolean hasCheck) implements ParsedStatement {
	}

	/** {@code ALTER SCHEMA ... RENAME TO ...}. */
	record RenameSchema(Name schema, Name newName) implements ParsedStatement {
	}

	/** {@code DROP SCHEMA}. */
	record DropSchema(List<Name> schemas, boolean cascade) implements ParsedStatement {
	}

	/**
	 * {@code DO}: an anonymous code block, whose PL/pgSQL body the linter reads statement by statement.
	 * @param body the string token holding the body
	 * @param language the block's language, {@code plpgsql} unless said otherwise
	 */
	record DoBlock(SqlToken body, String language) implements ParsedStatement {
	}

	record AlterDomain(Name domain, boolean addsCheck, boolean notValid) implements ParsedStatement {
	}

	/** {@code ALTER TYPE} on an enum or composite type. */
	record AlterType(Name type, String action, boolean ifNotExists) implements ParsedStatement {
	}

	record Transaction(Boundary boundary) implements ParsedStatement {

		enum Boundary {

			BEGIN, COMMIT, ROLLBACK

		}

	}

	/** {@code SET [LOCAL] parameter ...}; {@code reset} for {@code RESET}. */
	record SetParameter(String parameter, String value, boolean local) implements ParsedStatement {
	}

	record LockTable(List<Name> tables, String mode) implements ParsedStatement {
	}

	record RefreshMaterializedView(Name view, boolean concurrently) implements ParsedStatement {
	}

	record CreateTrigger(Name table) implements ParsedStatement {
	}

	/** A statement known to take no lock that matters (INSERT, GRANT, CREATE FUNCTION, ...). */
	record Harmless(String kind) implements ParsedStatement {
	}

	record Unparsed(String reason) implements ParsedStatement {
	}

	/** A column as declared in {@code CREATE TABLE} or {@code ADD COLUMN}. */
	record ColumnDefinition(Name name, DataType type, List<SqlToken> defaultExpression, boolean notNull,
			boolean primaryKey, boolean unique, Reference references, Generated generated, boolean check) {
	}

	enum Generated {

		NONE, STORED, VIRTUAL, IDENTITY

	}

	record Reference(Name table, List<String> columns) {
	}

	/**
	 * A table constraint.
	 * @param checkedIdentifiers for a CHECK, the identifiers its expression names (the columns it reads)
	 */
	record ConstraintDefinition(String kind, Name name, List<String> columns, boolean usingIndex, Reference references,
			boolean notValid, SqlToken at, List<String> checkedIdentifiers) {
	}

	/** One action of an {@code ALTER TABLE}. */
	sealed interface AlterAction {

		SqlToken at();

	}

	record AddColumn(ColumnDefinition column, boolean ifNotExists, SqlToken at) implements AlterAction {
	}

	record DropColumn(Name column, boolean ifExists, SqlToken at) implements AlterAction {
	}

	/**
	 * {@code ALTER COLUMN ... TYPE}.
	 * @param using whether a USING clause computes the new values; a USING that only casts the column to the
	 * new type ({@code USING col::type}, as Liquibase's modifyDataType writes) counts as none
	 */
	record AlterColumnType(Name column, DataType type, boolean using, SqlToken at) implements AlterAction {
	}

	record DropConstraint(String name, SqlToken at) implements AlterAction {
	}

	/** {@code DISABLE TRIGGER name | ALL | USER}. */
	record DisableTrigger(String which, SqlToken at) implements AlterAction {
	}

	record SetNotNull(Name column, SqlToken at) implements AlterAction {
	}

	record DropNotNull(Name column, SqlToken at) implements AlterAction {
	}

	record AddConstraint(ConstraintDefinition constraint, SqlToken at) implements AlterAction {
	}

	record ValidateConstraint(String name, SqlToken at) implements AlterAction {
	}

	record RenameColumn(Name column, Name newName, SqlToken at) implements AlterAction {
	}

	record RenameTable(Name newName, SqlToken at) implements AlterAction {
	}

	record DetachPartition(Name partition, boolean concurrently, boolean finalizeDetach, SqlToken at)
			implements AlterAction {
	}

	record AttachPartition(Name partition, SqlToken at) implements AlterAction {
	}

	/** {@code SET LOGGED}, {@code SET UNLOGGED}, {@code SET TABLESPACE}, {@code SET ACCESS METHOD}. */
	record Rewrite(String what, SqlToken at) implements AlterAction {
	}

	/** Actions that take a brief lock and touch no data (defaults, storage options, comments, owners...). */
	record MetadataOnly(String what, SqlToken at) implements AlterAction {
	}

	record UnknownAction(String text, SqlToken at) implements AlterAction {
	}

}

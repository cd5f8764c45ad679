package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.Privilege;
import dev.zdm.core.catalog.Relation;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.plan.RenameTable;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.lint.SqlReferences;

/**
 * {@code renameTable {table, to}}: in expand, one transaction under the lock timeout renames the table and
 * creates, under its old name, a simple view of all its columns ({@code security_invoker}, with the table's
 * privileges), which PostgreSQL makes automatically updatable: old code keeps reading and writing
 * ({@code INSERT} with the table's defaults, {@code UPDATE}, {@code DELETE}, {@code ON CONFLICT},
 * {@code RETURNING}) through the old name while new code uses the new one, with no sync: both reach the same
 * rows. Views, foreign keys, indexes, triggers and owned sequences follow the table (they hold its oid, not
 * its name) and keep their own names. Contract drops the view; a rollback drops it and renames the table
 * back. zdm drops only a view that carries its marker for this migration, under the name expand recorded.
 */
public final class RenameTableType implements OperationType<RenameTable> {

	/** The privileges a relation's ACL can hold; anything else read from the catalog is not put into SQL. */
	private static final Set<String> PRIVILEGES = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE",
			"REFERENCES", "TRIGGER", "MAINTAIN");

	@Override
	public String kind() {
		return "renameTable";
	}

	@Override
	public Class<RenameTable> operationClass() {
		return RenameTable.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "to");
	}

	@Override
	public RenameTable read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		Identifier to = arguments.identifier("to", true);
		return arguments.build(() -> new RenameTable(table, to));
	}

	/** The table under its old name, or, once expand renamed it, under its new one (behind zdm's view). */
	@Override
	public Optional<TableInfo> table(RenameTable operation, CatalogReader catalog) throws SQLException {
		Optional<TableInfo> table = catalog.table(operation.table());
		if (table.isPresent()) {
			return table;
		}
		Optional<Relation> old = catalog.relation(operation.table());
		if (old.isPresent() && old.get().isView() && ObjectNames.isMarker(old.get().comment())) {
			return catalog.table(new QualifiedName(Identifier.of(old.get().schema()), operation.to()));
		}
		return Optional.empty();
	}

	@Override
	public void validate(RenameTable operation, OperationCheck check) throws SQLException {
		TableInfo table = check.table();
		for (int i = 0; i < check.plan().operations().size(); i++) {
			Operation other = check.plan().operations().get(i);
			if (i + 1 != check.index() && (other.tables().contains(operation.table())
					|| other.tables().contains(new QualifiedName(operation.table().schema(), operation.to())))) {
				check.fail("operation " + (i + 1) + " of this plan changes " + other.table() + " too: while a migration "
						+ "renames a table, its old name is a view. Rename the table in a migration of its own, and change "
						+ "it in another.");
				return;
			}
		}
		if (!check.beforeExpand()) {
			return;
		}
		Optional<String> taken = check.catalog().relationKind(table.schema(), operation.to().name());
		if (taken.isPresent() || check.catalog().typeExists(table.schema(), operation.to().name())) {
			check.fail("the name \"" + operation.to() + "\" is taken in schema " + table.schema() + " by "
					+ taken.map(RenameTableType::relationKind).orElse("a data type") + ": choose another 'to', or "
					+ "rename that first.");
		}
	}

	/**
	 * Functions (trigger functions among them) that name the table in their source reach it through the view
	 * until contract, and fail once contract drops it: their author should know before.
	 */
	@Override
	public void review(RenameTable operation, OperationCheck check) throws SQLException {
		String name = check.table().name();
		List<String> naming = check.catalog().functionsContaining(name, check.stateSchema().name()).entrySet().stream()
			.filter((function) -> SqlReferences.mentions(function.getValue(), name))
			.map(java.util.Map.Entry::getKey)
			.toList();
		if (!naming.isEmpty()) {
			check.warn("the function" + ((naming.size() > 1) ? "s " : " ") + String.join(", ", naming) + " name"
					+ ((naming.size() > 1) ? "" : "s") + " table " + name + ": through the view under the old name "
					+ ((naming.size() > 1) ? "they keep" : "it keeps") + " working until contract, and fail"
					+ ((naming.size() > 1) ? "" : "s") + " after it. Change " + ((naming.size() > 1) ? "them" : "it")
					+ " to \"" + operation.to() + "\" before contract.");
		}
	}

	private static String relationKind(String relkind) {
		return switch (relkind) {
			case "r", "p" -> "a table";
			case "v" -> "a view";
			case "m" -> "a materialized view";
			case "i", "I" -> "an index";
			case "S" -> "a sequence";
			case "f" -> "a foreign table";
			default -> "a relation";
		};
	}

	/**
	 * What expand recorded: the table's oid (so that rollback renames back the very table it renamed) and its
	 * names before and after, schema-qualified.
	 *
	 * @param oid the table's oid
	 * @param from the table's name before
	 * @param to its name after
	 */
	record ExpandMemo(long oid, QualifiedName from, Identifier to) implements Memo {

		@Override
		public String encode() {
			return this.oid + " " + this.from + " " + this.to;
		}

		static ExpandMemo decode(String stored) {
			String[] parts = stored.split(" ");
			return new ExpandMemo(Long.parseLong(parts[0]), QualifiedName.parse(parts[1]), Identifier.of(parts[2]));
		}

		QualifiedName renamed() {
			return new QualifiedName(this.from.schema(), this.to);
		}

	}

	@Override
	public Resolved resolve(RenameTable operation, ResolveContext context) throws SQLException {
		String on = context.description();
		CatalogReader catalog = context.catalog();
		ExpandMemo memo;
		if (context.memo().isPresent()) {
			memo = ExpandMemo.decode(context.memo().get());
		}
		else {
			TableInfo table = context.table(operation.table());
			memo = new ExpandMemo(table.oid(), table.qualifiedName(), operation.to());
		}
		QualifiedName from = memo.from();
		QualifiedName renamed = memo.renamed();
		Optional<TableInfo> atOldName = catalog.table(from).filter((table) -> table.oid() == memo.oid());
		Optional<TableInfo> atNewName = catalog.table(renamed).filter((table) -> table.oid() == memo.oid());
		Optional<Relation> view = catalog.relation(from)
			.filter((relation) -> relation.isView() && ObjectNames.marker(context.migrationId()).equals(relation.comment()));
		List<String> expand = new ArrayList<>();
		if (atOldName.isPresent()) {
			TableInfo table = atOldName.get();
			expand.add("ALTER TABLE " + from.quoted() + " RENAME TO " + memo.to().quoted());
			// Before PostgreSQL 15 a view reads with its owner's rights; validation refuses a table with row level
			// security there, and the view carries the table's grants either way.
			boolean invoker = VersionSchema.viewsApplyRowSecurity(catalog.serverMajorVersion());
			expand.add("CREATE VIEW " + from.quoted() + (invoker ? " WITH (security_invoker = true)" : "") + " AS SELECT "
					+ table.columns().stream().map((column) -> Identifier.quote(column.name()))
						.collect(Collectors.joining(", "))
					+ " FROM " + renamed.quoted());
			expand.add("COMMENT ON VIEW " + from.quoted() + " IS " + literal(ObjectNames.marker(context.migrationId())));
			expand.addAll(grants(catalog, table, from));
		}
		else if (atNewName.isEmpty()) {
			throw new MigrationException("Table " + from + " of " + on + " is neither under its name nor under "
					+ renamed + " any more: it was renamed or dropped outside zdm. Put it back under one of them, then try "
					+ "again.");
		}
		List<String> dropView = view.isPresent() ? List.of("DROP VIEW " + from.quoted()) : List.of();
		List<String> rollback = new ArrayList<>();
		if (context.memo().isPresent() && atNewName.isPresent()) {
			rollback.addAll(dropView);
			rollback.add("ALTER TABLE " + renamed.quoted() + " RENAME TO " + from.name().quoted());
		}
		// New code reaches the table itself under its new name; the version schema needs no view of it.
		return new Resolved(new DdlStep.InTransaction("expand " + on, expand), memo, Optional.empty(), List.of(),
				DdlStep.InTransaction.none("switch " + on), List.of(), new DdlStep.InTransaction("contract " + on, dropView),
				new DdlStep.InTransaction("rollback " + on, rollback), VersionView.none(renamed), Sync.NONE);
	}

	/** The table's privileges, on the view that stands in for it (they reach the same rows). */
	private static List<String> grants(CatalogReader catalog, TableInfo table, QualifiedName view) throws SQLException {
		List<String> grants = new ArrayList<>();
		String self = catalog.currentRole();
		for (Privilege privilege : catalog.reachablePrivileges(table)) {
			if (!PRIVILEGES.contains(privilege.type())
					|| (privilege.grantee() != null && privilege.grantee().equals(self) && privilege.column() == null)) {
				continue;
			}
			String columns = (privilege.column() != null) ? " (" + Identifier.quote(privilege.column()) + ")" : "";
			boolean grantOption = privilege.grantable() && privilege.grantee() != null && !privilege.grantee().equals(self);
			grants.add("GRANT " + privilege.type() + columns + " ON " + view.quoted() + " TO "
					+ ((privilege.grantee() != null) ? Identifier.quote(privilege.grantee()) : "PUBLIC")
					+ (grantOption ? " WITH GRANT OPTION" : ""));
		}
		return grants;
	}

	private static String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

}

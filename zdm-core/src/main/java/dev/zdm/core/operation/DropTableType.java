package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.DropTable;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code dropTable {table}}: expand puts the table aside, renaming it to {@code zdm_<id>_<n>} in its schema
 * (one metadata-only statement under the lock timeout), so that any code still using it fails at once,
 * loudly, instead of writing rows that contract would drop; contract drops it ({@code DROP TABLE}, no
 * {@code CASCADE}). A rollback before contract renames it back, with every row it had. zdm drops only the
 * table it put aside: expand records its oid, and contract checks, in its transaction, that the name holds
 * that very table.
 * <p>
 * A table that something outside it depends on (a view, another table's foreign key or default, a child
 * table, a function with an SQL body...) is refused before expand, naming each dependent: dropping it would
 * need {@code CASCADE}, which would drop what zdm did not create. The table's own indexes, constraints,
 * triggers and owned sequences go with it.
 */
public final class DropTableType implements OperationType<DropTable> {

	@Override
	public String kind() {
		return "dropTable";
	}

	@Override
	public Class<DropTable> operationClass() {
		return DropTable.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table");
	}

	@Override
	public DropTable read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		return arguments.build(() -> new DropTable(table));
	}

	/** After expand, the table is no longer under its name: validation then leaves it to the recorded memo. */
	@Override
	public boolean needsExistingTable() {
		return false;
	}

	@Override
	public void validate(DropTable operation, OperationCheck check) throws SQLException {
		TableInfo table = check.table();
		if (table == null) {
			if (check.beforeExpand()) {
				check.fail("table \"" + operation.table() + "\" does not exist. Fix the table name (schema-qualify it if it "
						+ "is not on the search_path).");
			}
			// Otherwise expand put it aside already; the memo it recorded says where.
			return;
		}
		for (int i = 0; i < check.plan().operations().size(); i++) {
			Operation other = check.plan().operations().get(i);
			if (i + 1 != check.index() && other.tables().contains(operation.table())) {
				check.fail("operation " + (i + 1) + " of this plan changes " + other.table() + " too, which this one "
						+ "drops: leave that operation out, or drop the table in a later migration.");
				return;
			}
		}
		String aside = ObjectNames.base(check.plan().id(), check.index());
		if (check.beforeExpand() && (check.catalog().relationKind(table.schema(), aside).isPresent()
				|| check.catalog().typeExists(table.schema(), aside))) {
			check.fail("the name \"" + aside + "\" that zdm puts table " + table.qualifiedName() + " aside under is taken "
					+ "in schema " + table.schema() + ": rename that object, or give the migration another id.");
		}
		// A view depends through its rule, which PostgreSQL describes as "rule _RETURN on view v".
		List<String> dependents = check.catalog().outsideDependents(table).stream()
			.map((dependent) -> dependent.replaceFirst("^rule _RETURN on ", ""))
			.distinct()
			.toList();
		if (!dependents.isEmpty()) {
			check.fail("table " + table.qualifiedName() + " is used by " + String.join(", ", dependents) + ", which "
					+ "DROP TABLE would have to drop with it (CASCADE), and zdm never drops what it did not create. Drop "
					+ "or change them first (ALTER TABLE ... DROP CONSTRAINT for a foreign key, DROP VIEW for a view, "
					+ "ALTER TABLE ... ALTER COLUMN ... DROP DEFAULT for a default that uses its sequence, ALTER TABLE ... "
					+ "NO INHERIT or DETACH PARTITION for a child table), in an earlier migration or by hand; then start "
					+ "this one.");
		}
	}

	/**
	 * What expand recorded: the table's oid (the proof that the table under the aside name is the one zdm put
	 * there) and its name, schema-qualified, before and after.
	 *
	 * @param oid the table's oid
	 * @param table its name
	 * @param aside the name expand gave it, in the same schema
	 */
	record ExpandMemo(long oid, QualifiedName table, Identifier aside) implements Memo {

		@Override
		public String encode() {
			return this.oid + " " + this.table + " " + this.aside;
		}

		static ExpandMemo decode(String stored) {
			String[] parts = stored.split(" ");
			return new ExpandMemo(Long.parseLong(parts[0]), QualifiedName.parse(parts[1]), Identifier.of(parts[2]));
		}

		QualifiedName asideName() {
			return new QualifiedName(this.table.schema(), this.aside);
		}

	}

	@Override
	public Resolved resolve(DropTable operation, ResolveContext context) throws SQLException {
		String on = context.description();
		CatalogReader catalog = context.catalog();
		ExpandMemo memo;
		if (context.memo().isPresent()) {
			memo = ExpandMemo.decode(context.memo().get());
		}
		else {
			TableInfo table = context.table(operation.table());
			memo = new ExpandMemo(table.oid(), table.qualifiedName(), Identifier.of(context.objectName()));
		}
		QualifiedName table = memo.table();
		QualifiedName aside = memo.asideName();
		boolean atName = catalog.table(table).filter((found) -> found.oid() == memo.oid()).isPresent();
		boolean atAside = catalog.table(aside).filter((found) -> found.oid() == memo.oid()).isPresent();
		List<String> expand = atName ? List.of("ALTER TABLE " + table.quoted() + " RENAME TO " + memo.aside().quoted())
				: List.of();
		// In the contract's transaction: the name must still hold the very table expand put aside.
		List<String> contract = (atName && context.memo().isEmpty()) ? List.of()
				: List.of(requireAside(memo, "drop it", "zdm drops only the table it put aside. Put that table back under "
						+ aside + " and advance again; or, before contract, roll the migration back"),
						"DROP TABLE " + aside.quoted());
		List<String> rollback;
		if (context.memo().isEmpty() || (atName && !atAside)) {
			rollback = List.of();
		}
		else {
			rollback = List.of(requireAside(memo, "rename it back to " + table.name(), "put that table back under "
					+ aside + ", then roll back again"), "ALTER TABLE " + aside.quoted() + " RENAME TO " + table.name().quoted());
		}
		return new Resolved(new DdlStep.InTransaction("expand " + on, expand), memo, Optional.empty(), List.of(),
				DdlStep.InTransaction.none("switch " + on), List.of(), new DdlStep.InTransaction("contract " + on, contract),
				new DdlStep.InTransaction("rollback " + on, rollback), VersionView.none(aside), Sync.NONE);
	}

	/** A statement that fails, saying why and the fix, unless {@code memo}'s aside name holds its table. */
	private static String requireAside(ExpandMemo memo, String what, String fix) {
		String message = "Table " + memo.table() + ", which zdm put aside as " + memo.asideName() + " (oid " + memo.oid()
				+ "), is no longer under that name, so zdm cannot " + what + ": " + fix + ".";
		String body = "BEGIN IF to_regclass(" + literal(memo.asideName().quoted()) + ")::oid IS DISTINCT FROM "
				+ memo.oid() + " THEN RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state', MESSAGE = "
				+ literal(message) + "; END IF; END ";
		String tag = "$zdm$";
		for (int i = 1; body.contains(tag); i++) {
			tag = "$zdm" + i + "$";
		}
		return "DO " + tag + body + tag;
	}

	private static String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

}

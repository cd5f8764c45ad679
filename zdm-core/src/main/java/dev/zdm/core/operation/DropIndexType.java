package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.NamedIndex;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.DropIndex;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code dropIndex {name}}: {@code DROP INDEX CONCURRENTLY} at contract, outside a transaction, so that the
 * index keeps serving old code until then; nothing happens before, so a rollback before contract has
 * nothing to undo. The plan names the index alone: its table is found from the catalog. An index that backs
 * a constraint (primary key, unique, exclusion) is refused: the constraint is what to drop.
 */
public final class DropIndexType implements OperationType<DropIndex> {

	@Override
	public String kind() {
		return "dropIndex";
	}

	@Override
	public Class<DropIndex> operationClass() {
		return DropIndex.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("name");
	}

	@Override
	public DropIndex read(OperationArguments arguments) {
		QualifiedName name = arguments.table("name");
		return arguments.build(() -> new DropIndex(name));
	}

	@Override
	public Optional<TableInfo> table(DropIndex operation, CatalogReader catalog) throws SQLException {
		Optional<NamedIndex> index = catalog.index(operation.name());
		return index.isPresent() ? catalog.table(tableOf(index.get())) : Optional.empty();
	}

	@Override
	public String missingTable(DropIndex operation) {
		return "index \"" + operation.name() + "\" does not exist. Fix the name (schema-qualify it if it is not on the "
				+ "search_path).";
	}

	private static QualifiedName tableOf(NamedIndex index) {
		return new QualifiedName(Identifier.of(index.tableSchema()), Identifier.of(index.table()));
	}

	@Override
	public void validate(DropIndex operation, OperationCheck check) throws SQLException {
		Optional<NamedIndex> found = check.catalog().index(operation.name());
		if (found.isEmpty()) {
			check.fail(missingTable(operation));
			return;
		}
		NamedIndex index = found.get();
		if (index.constraint() != null) {
			String constraint = switch (index.constraintType()) {
				case "p" -> "the primary key";
				case "u" -> "the unique constraint";
				default -> "the exclusion constraint";
			};
			check.fail("index " + index.name() + " backs " + constraint + " \"" + index.constraint() + "\" of "
					+ check.table().qualifiedName() + ", which needs it: drop the constraint instead (ALTER TABLE "
					+ check.table().qualifiedName().quoted() + " DROP CONSTRAINT " + Identifier.quote(index.constraint())
					+ ", which drops its index), not the index.");
		}
		if (index.partitioned()) {
			check.fail("index " + index.name() + " is the index of a partitioned table, which PostgreSQL cannot drop "
					+ "CONCURRENTLY: drop it with DROP INDEX in a quiet moment (it locks the table), or drop the index of "
					+ "each partition first.");
		}
		Integer other = check.claimIndex(index.oid());
		if (other != null) {
			check.fail("index " + index.name() + " is also changed by operation " + other + " of this plan: drop it once.");
		}
	}

	/**
	 * Expand records the index and its table (schema-qualified), so that later phases find them even once
	 * the index is gone.
	 *
	 * @param index the index
	 * @param table its table
	 */
	record ExpandMemo(QualifiedName index, QualifiedName table) implements Memo {

		private static final String ON = " on ";

		@Override
		public String encode() {
			return this.index + ON + this.table;
		}

		static ExpandMemo decode(String stored) {
			int on = stored.indexOf(ON);
			return new ExpandMemo(QualifiedName.parse(stored.substring(0, on)),
					QualifiedName.parse(stored.substring(on + ON.length())));
		}

	}

	@Override
	public Resolved resolve(DropIndex operation, ResolveContext context) throws SQLException {
		String on = context.description();
		ExpandMemo memo;
		if (context.memo().isPresent()) {
			memo = ExpandMemo.decode(context.memo().get());
		}
		else {
			NamedIndex index = context.catalog().index(operation.name()).orElse(null);
			if (index == null) {
				// Before expand, and the index is gone: nothing to do, nothing to undo (a rollback from PENDING).
				QualifiedName none = operation.name();
				return new Resolved(DdlStep.InTransaction.none("expand " + on), Memo.NONE, Optional.empty(), List.of(),
						DdlStep.InTransaction.none("switch " + on), List.of(), DdlStep.InTransaction.none("contract " + on),
						DdlStep.InTransaction.none("rollback " + on), VersionView.unchanged(none), Sync.NONE);
			}
			memo = new ExpandMemo(new QualifiedName(Identifier.of(index.schema()), Identifier.of(index.name())),
					tableOf(index));
		}
		DdlStep drop = new DdlStep.Concurrently("drop index " + memo.index() + " of " + on,
				"DROP INDEX CONCURRENTLY IF EXISTS " + memo.index().quoted(), null);
		return new Resolved(DdlStep.InTransaction.none("expand " + on), memo, Optional.empty(), List.of(),
				DdlStep.InTransaction.none("switch " + on), List.of(), DdlStep.InTransaction.none("contract " + on),
				DdlStep.InTransaction.none("rollback " + on), VersionView.unchanged(memo.table()), Sync.NONE,
				new Resolved.Outside(List.of(), List.of(drop), List.of()));
	}

}

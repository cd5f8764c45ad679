package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.QualifiedName;

/**
 * Drops an index without blocking reads or writes: {@code DROP INDEX CONCURRENTLY} at contract, so that
 * the index serves old code until then, and a rollback before contract has nothing to undo.
 * <p>
 * The plan names the index alone; its table is found from the catalog
 * ({@code dev.zdm.core.operation.DropIndexType#table}). {@link #table()} gives the index's name, as the plan
 * gives it.
 *
 * @param name the index, possibly schema-qualified ({@code billing.idx_users_status})
 */
public record DropIndex(QualifiedName name) implements Operation {

	public DropIndex {
		Objects.requireNonNull(name, "name");
	}

	/** The index's name as the plan gives it: the table is found from it. */
	@Override
	public QualifiedName table() {
		return this.name;
	}

	@Override
	public String kind() {
		return "dropIndex";
	}

	@Override
	public String canonical() {
		return "dropIndex(name=" + this.name + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.dropIndex(this);
	}

}

package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sql.SqlFragment;

/**
 * Adds a check constraint without a scan under an exclusive lock: {@code NOT VALID} in expand (new writes
 * are checked at once), validated before contract under {@code SHARE UPDATE EXCLUSIVE}.
 *
 * @param table the table
 * @param name the constraint's name
 * @param check the condition, SQL over the row
 */
public record AddCheckConstraint(QualifiedName table, Identifier name, String check) implements Operation {

	public AddCheckConstraint {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(name, "name");
		String problem = SqlFragment.expressionProblem(check);
		if (problem != null) {
			throw new IllegalArgumentException("'check': " + problem);
		}
	}

	@Override
	public String kind() {
		return "addCheckConstraint";
	}

	@Override
	public String canonical() {
		return "addCheckConstraint(table=" + this.table + ",name=" + this.name + ",check=" + this.check + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.addCheckConstraint(this);
	}

}

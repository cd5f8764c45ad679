package dev.zdm.core.catalog;

import java.util.List;

/**
 * A domain, one level of a type's chain of domains.
 *
 * @param name the domain's name
 * @param baseType the type it is defined over (itself a domain or not)
 * @param notNull whether it is {@code NOT NULL}
 * @param defaultExpression its default, or {@code null}
 * @param checks its {@code CHECK} constraints, as PostgreSQL prints them
 */
public record DomainInfo(String name, String baseType, boolean notNull, String defaultExpression,
		List<String> checks) {

	/** Whether adding a column of this domain would make PostgreSQL check or fill every existing row. */
	public boolean constrains() {
		return this.notNull || this.defaultExpression != null || !this.checks.isEmpty();
	}

}

package dev.zdm.core.sql;

/**
 * A table (or other relation) name, optionally schema-qualified, as written in a plan
 * ({@code users} or {@code billing.users}).
 *
 * @param schema the schema, or {@code null} to resolve through the connection's {@code search_path}
 * @param name the relation name
 */
public record QualifiedName(Identifier schema, Identifier name) {

	public QualifiedName {
		if (name == null) {
			throw new IllegalArgumentException("a name is required");
		}
	}

	/** Parses {@code name} or {@code schema.name}, validating both parts. */
	public static QualifiedName parse(String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("a table name is required");
		}
		int dot = text.indexOf('.');
		if (dot < 0) {
			return new QualifiedName(null, Identifier.of(text));
		}
		if (text.indexOf('.', dot + 1) >= 0) {
			throw new IllegalArgumentException("\"" + text + "\" has more than one '.': use schema.table");
		}
		return new QualifiedName(Identifier.of(text.substring(0, dot)), Identifier.of(text.substring(dot + 1)));
	}

	/** The name quoted for SQL text. */
	public String quoted() {
		return (this.schema != null) ? this.schema.quoted() + "." + this.name.quoted() : this.name.quoted();
	}

	@Override
	public String toString() {
		return (this.schema != null) ? this.schema + "." + this.name : this.name.toString();
	}

}

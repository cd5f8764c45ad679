package dev.zdm.lint;

/**
 * Where a finding comes from.
 *
 * @param file the file as given to the linter (a SQL file or a Liquibase changelog), or a name such as
 * {@code <inline>} for SQL passed as a string
 * @param line 1-based line, {@code 0} when unknown
 * @param column 1-based column, {@code 0} when unknown
 * @param changeSet the Liquibase changeset as {@code id::author}, or null outside a changelog
 */
public record SourceLocation(String file, int line, int column, String changeSet) {

	/** A location in a plain SQL source. */
	public static SourceLocation of(String file, int line, int column) {
		return new SourceLocation(file, line, column, null);
	}

	@Override
	public String toString() {
		return this.file + ":" + this.line + ":" + this.column;
	}

}

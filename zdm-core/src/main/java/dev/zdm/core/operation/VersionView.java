package dev.zdm.core.operation;

import java.util.Map;
import java.util.Set;

import dev.zdm.core.sql.QualifiedName;

/**
 * What one operation shows of a table in its migration's version schema ({@link VersionSchema}): the
 * columns new code must not see, and the columns it sees under another name. Columns neither hides nor
 * renames show as they are. An operation after which new code must not reach the table at all
 * ({@code dropTable}) shows {@link #none} of it: the version schema then has no view of that table.
 *
 * @param table the table, or {@code null} for {@link #NONE}
 * @param hidden the columns the view leaves out (catalog names)
 * @param renamed the columns the view shows under another name (catalog name to shown name)
 * @param shown whether the version schema shows the table at all
 */
public record VersionView(QualifiedName table, Set<String> hidden, Map<String, String> renamed, boolean shown) {

	/**
	 * Shows no table: the operation names none, or must not pin the columns of its table in a view (raw
	 * statements that may drop them). Code on the version schema's search path reaches the table itself.
	 */
	public static final VersionView NONE = new VersionView(null, Set.of(), Map.of());

	public VersionView {
		hidden = Set.copyOf(hidden);
		renamed = Map.copyOf(renamed);
	}

	/** A view of the table that hides and renames these columns. */
	public VersionView(QualifiedName table, Set<String> hidden, Map<String, String> renamed) {
		this(table, hidden, renamed, true);
	}

	/** The table as it is. */
	public static VersionView unchanged(QualifiedName table) {
		return new VersionView(table, Set.of(), Map.of());
	}

	/** No view of the table: new code must not reach it. */
	public static VersionView none(QualifiedName table) {
		return new VersionView(table, Set.of(), Map.of(), false);
	}

}

package dev.zdm.lint;

import java.util.List;

/**
 * The zdm plan operations the linter's findings recommend by name, in one list, so that a test can keep
 * every recommended name equal to an operation the plan loader accepts. The names are the plan keys of
 * DESIGN.md's "User-facing contracts"; those the linter recommends beyond that list are marked.
 */
public final class ZdmOperations {

	public static final String ADD_COLUMN = "addColumn";

	public static final String DROP_COLUMN = "dropColumn";

	public static final String RENAME_COLUMN = "renameColumn";

	public static final String CHANGE_COLUMN_TYPE = "changeColumnType";

	public static final String REPLACE_COLUMNS = "replaceColumns";

	public static final String SET_NOT_NULL = "setNotNull";

	public static final String ADD_FOREIGN_KEY = "addForeignKey";

	public static final String ADD_UNIQUE_CONSTRAINT = "addUniqueConstraint";

	public static final String CREATE_INDEX = "createIndex";

	public static final String SQL = "sql";

	/** Recommended by the linter; not (yet) in DESIGN.md's list of plan operations. */
	public static final String ADD_CHECK_CONSTRAINT = "addCheckConstraint";

	/** Recommended by the linter; not (yet) in DESIGN.md's list of plan operations. */
	public static final String DROP_NOT_NULL = "dropNotNull";

	/** Recommended by the linter; not (yet) in DESIGN.md's list of plan operations. */
	public static final String DROP_INDEX = "dropIndex";

	/** Recommended by the linter; named in DESIGN.md's versioned-views section, not in its list of plan operations. */
	public static final String RENAME_TABLE = "renameTable";

	/** Recommended by the linter; not (yet) in DESIGN.md's list of plan operations. */
	public static final String DROP_TABLE = "dropTable";

	/** Every operation name above. */
	public static final List<String> ALL = List.of(ADD_COLUMN, DROP_COLUMN, RENAME_COLUMN, CHANGE_COLUMN_TYPE,
			REPLACE_COLUMNS, SET_NOT_NULL, ADD_FOREIGN_KEY, ADD_UNIQUE_CONSTRAINT, CREATE_INDEX, SQL,
			ADD_CHECK_CONSTRAINT, DROP_NOT_NULL, DROP_INDEX, RENAME_TABLE, DROP_TABLE);

	private ZdmOperations() {
	}

}

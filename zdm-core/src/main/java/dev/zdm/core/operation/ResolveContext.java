package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.Optional;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * What an operation's type resolves its steps from.
 *
 * @param migrationId the migration
 * @param index the operation's 1-based index in its plan
 * @param description the operation, for errors ({@code rename-email operation 1 (renameColumn)})
 * @param functionSchema the schema of zdm's functions (its state schema)
 * @param catalog the catalog as it is now
 * @param memo what the operation's expand recorded, as stored, once it ran
 */
public record ResolveContext(String migrationId, int index, String description, Identifier functionSchema,
		CatalogReader catalog, Optional<String> memo) {

	/** The base name of the objects zdm creates for this operation ({@link ObjectNames#base}). */
	public String objectName() {
		return ObjectNames.base(this.migrationId, this.index);
	}

	/**
	 * The table, read from the catalog.
	 * @throws MigrationException if it no longer exists
	 */
	public TableInfo table(QualifiedName name) throws SQLException {
		return this.catalog.table(name)
			.orElseThrow(() -> new MigrationException("Table " + name + " of " + this.description + " no longer exists"));
	}

}

package dev.zdm.core.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.zdm.core.sql.QualifiedName;

/**
 * Reads what zdm needs to know from PostgreSQL's catalog. Unqualified names resolve through the
 * connection's {@code search_path}, as the application's own queries do.
 */
public final class CatalogReader {

	private final Connection connection;

	public CatalogReader(Connection connection) {
		this.connection = connection;
	}

	/** The table called {@code name}, if it exists and is an ordinary or partitioned table. */
	public Optional<TableInfo> table(QualifiedName name) throws SQLException {
		long oid;
		String schema;
		String relname;
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE c.oid = to_regclass(?) AND c.relkind IN ('r', 'p')""")) {
			statement.setString(1, name.quoted());
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return Optional.empty();
				}
				oid = rs.getLong(1);
				schema = rs.getString(2);
				relname = rs.getString(3);
			}
		}
		List<ColumnInfo> columns = columns(oid);
		List<ColumnInfo> primaryKey = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT a.attname FROM pg_index i
				CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
				WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.ord""")) {
			statement.setLong(1, oid);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					String column = rs.getString(1);
					columns.stream().filter((c) -> c.name().equals(column)).findFirst().ifPresent(primaryKey::add);
				}
			}
		}
		return Optional.of(new TableInfo(oid, schema, relname, List.copyOf(columns), List.copyOf(primaryKey)));
	}

	private List<ColumnInfo> columns(long tableOid) throws SQLException {
		List<ColumnInfo> columns = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull,
				       pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '', a.attgenerated <> ''
				FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
				WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""")) {
			statement.setLong(1, tableOid);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					columns.add(new ColumnInfo(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getBoolean(4),
							rs.getString(5), rs.getBoolean(6), rs.getBoolean(7)));
				}
			}
		}
		return columns;
	}

	/**
	 * The indexes that involve a column (as a key, in an expression or in a predicate), other than the
	 * primary key's, with the unique constraints they back.
	 */
	public List<IndexInfo> indexesOn(TableInfo table, ColumnInfo column) throws SQLException {
		List<IndexInfo> indexes = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT i.indexrelid, ic.relname, pg_get_indexdef(i.indexrelid), con.conname,
				       coalesce(con.condeferrable, false), coalesce(con.condeferred, false)
				FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
				LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
				     AND con.contype = 'u'
				WHERE i.indrelid = ? AND NOT i.indisprimary
				  AND (? = ANY (i.indkey::int2[])
				       OR EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
				                  AND d.objid = i.indexrelid AND d.refobjid = i.indrelid AND d.refobjsubid = ?)
				       OR (con.oid IS NOT NULL AND ? = ANY (con.conkey)))
				ORDER BY ic.relname""")) {
			statement.setLong(1, table.oid());
			statement.setInt(2, column.position());
			statement.setInt(3, column.position());
			statement.setInt(4, column.position());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					indexes.add(new IndexInfo(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
							rs.getBoolean(5), rs.getBoolean(6)));
				}
			}
		}
		return indexes;
	}

	/**
	 * The user triggers of a table by name, each with its {@code pg_trigger.tgenabled}: {@code O} (fires unless
	 * {@code session_replication_role} is {@code replica}), {@code A} (always), {@code R} (only under
	 * {@code replica}) or {@code D} (disabled).
	 */
	public Map<String, String> triggerStates(QualifiedName table) throws SQLException {
		Map<String, String> states = new HashMap<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT t.tgname, t.tgenabled::text FROM pg_trigger t
				WHERE t.tgrelid = to_regclass(?) AND NOT t.tgisinternal""")) {
			statement.setString(1, table.quoted());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					states.put(rs.getString(1), rs.getString(2));
				}
			}
		}
		return states;
	}

	/** Whether an index of that name exists in the schema, and if so whether it is valid. */
	public Optional<Boolean> indexValid(String schema, String name) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
				JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?""")) {
			statement.setString(1, schema);
			statement.setString(2, name);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
			}
		}
	}

	/**
	 * The objects that depend on a column and would be dropped or broken with it: indexes, constraints
	 * (including foreign keys of other tables that reference it), views, triggers, owned sequences and
	 * policies. Its default and its {@code NOT NULL} are not listed: zdm carries those itself.
	 */
	public List<ColumnDependent> dependents(TableInfo table, ColumnInfo column) throws SQLException {
		List<ColumnDependent> dependents = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT DISTINCT d.classid::regclass::text, d.objid, pg_describe_object(d.classid, d.objid, 0),
				       (SELECT con.contype::text FROM pg_constraint con
				        WHERE d.classid = 'pg_constraint'::regclass AND con.oid = d.objid)
				FROM pg_depend d
				WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ? AND d.refobjsubid = ?
				  AND d.deptype IN ('n', 'a')
				  AND d.classid <> 'pg_attrdef'::regclass
				ORDER BY 3""")) {
			statement.setLong(1, table.oid());
			statement.setInt(2, column.position());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					String contype = rs.getString(4);
					if ("n".equals(contype)) {
						continue;
					}
					dependents.add(new ColumnDependent(rs.getString(1), rs.getLong(2), rs.getString(3), contype));
				}
			}
		}
		return dependents;
	}

	/** The schema called {@code name}, if it exists. */
	public Optional<SchemaInfo> schema(String name) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT n.nspname, pg_get_userbyid(n.nspowner), obj_description(n.oid, 'pg_namespace')
				FROM pg_namespace n WHERE n.nspname = ?""")) {
			statement.setString(1, name);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? Optional.of(new SchemaInfo(rs.getString(1), rs.getString(2), rs.getString(3)))
						: Optional.empty();
			}
		}
	}

	/** The connection's role ({@code current_user}). */
	public String currentRole() throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT current_user");
				ResultSet rs = statement.executeQuery()) {
			rs.next();
			return rs.getString(1);
		}
	}

	/** How row level security stands on a table for this connection's role. */
	public RowSecurity rowSecurity(TableInfo table) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner), current_user,
				       pg_has_role(current_user, c.relowner, 'USAGE'), row_security_active(c.oid::regclass)
				FROM pg_class c WHERE c.oid = ?""")) {
			statement.setLong(1, table.oid());
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					throw new SQLException("Table " + table.qualifiedName() + " no longer exists");
				}
				return new RowSecurity(rs.getBoolean(1), rs.getBoolean(2), rs.getString(3), rs.getString(4),
						rs.getBoolean(5), rs.getBoolean(6));
			}
		}
	}

	/** Every privilege granted on a relation and on its columns, its owner's implicit ones included. */
	public List<Privilege> privileges(QualifiedName relation) throws SQLException {
		return privileges(relation, "true");
	}

	/**
	 * The privileges granted on a table and on its columns (its owner's implicit ones included) to roles
	 * that may use the table's schema: a privilege on a table in a schema its grantee cannot use reaches
	 * nothing, and must not be carried to a place the grantee can reach.
	 */
	public List<Privilege> reachablePrivileges(TableInfo table) throws SQLException {
		return privileges(table.qualifiedName(), """
				CASE WHEN a.grantee = 0
				     THEN EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) s
				                  WHERE n.oid = c.relnamespace AND s.grantee = 0 AND s.privilege_type = 'USAGE')
				     ELSE has_schema_privilege(a.grantee, c.relnamespace, 'USAGE') END""");
	}

	private List<Privilege> privileges(QualifiedName relation, String condition) throws SQLException {
		List<Privilege> privileges = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT NULL::name, CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END,
				       a.privilege_type, a.is_grantable
				FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
				WHERE c.oid = to_regclass(?) AND (%1$s)
				UNION ALL
				SELECT att.attname, CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END,
				       a.privilege_type, a.is_grantable
				FROM pg_class c JOIN pg_attribute att ON att.attrelid = c.oid, aclexplode(att.attacl) a
				WHERE c.oid = to_regclass(?) AND att.attnum > 0 AND NOT att.attisdropped AND att.attacl IS NOT NULL AND (%1$s)
				ORDER BY 1 NULLS FIRST, 2 NULLS FIRST, 3""".formatted(condition))) {
			statement.setString(1, relation.quoted());
			statement.setString(2, relation.quoted());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					privileges.add(new Privilege(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
				}
			}
		}
		return privileges;
	}

	/** Every privilege granted on a schema, its owner's implicit ones included. */
	public List<Privilege> schemaPrivileges(String schema) throws SQLException {
		List<Privilege> privileges = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END, a.privilege_type,
				       a.is_grantable
				FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
				WHERE n.nspname = ? ORDER BY 1 NULLS FIRST, 2""")) {
			statement.setString(1, schema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					privileges.add(new Privilege(null, rs.getString(1), rs.getString(2), rs.getBoolean(3)));
				}
			}
		}
		return privileges;
	}

	/** The views of a schema whose comment is {@code comment}. */
	public List<String> viewsWithComment(String schema, String comment) throws SQLException {
		List<String> views = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = ? AND c.relkind = 'v' AND obj_description(c.oid, 'pg_class') = ?
				ORDER BY 1""")) {
			statement.setString(1, schema);
			statement.setString(2, comment);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					views.add(rs.getString(1));
				}
			}
		}
		return views;
	}

}

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
	 * (including foreign keys of other tables that reference it), views, triggers, owned sequences,
	 * policies and generated columns computed from it. Its own default and its {@code NOT NULL} are not
	 * listed: zdm carries those itself.
	 */
	public List<ColumnDependent> dependents(TableInfo table, ColumnInfo column) throws SQLException {
		List<ColumnDependent> dependents = new ArrayList<>();
		// A pg_attrdef that depends on the column is its own default, or the expression of a generated
		// column that reads it: only the first is zdm's to carry.
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT DISTINCT d.classid::regclass::text, d.objid,
				       CASE WHEN d.classid = 'pg_attrdef'::regclass
				            THEN (SELECT 'generated column ' || quote_ident(a.attname) || ' of table ' || ad.adrelid::regclass::text
				                  FROM pg_attrdef ad JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
				                  WHERE ad.oid = d.objid)
				            ELSE pg_describe_object(d.classid, d.objid, 0) END,
				       (SELECT con.contype::text FROM pg_constraint con
				        WHERE d.classid = 'pg_constraint'::regclass AND con.oid = d.objid)
				FROM pg_depend d
				WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ? AND d.refobjsubid = ?
				  AND d.deptype IN ('n', 'a')
				  AND NOT EXISTS (SELECT 1 FROM pg_attrdef own WHERE d.classid = 'pg_attrdef'::regclass
				                  AND own.oid = d.objid AND own.adrelid = d.refobjid AND own.adnum = ?)
				ORDER BY 3""")) {
			statement.setLong(1, table.oid());
			statement.setInt(2, column.position());
			statement.setInt(3, column.position());
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

	/**
	 * The triggers that fire for writes to a table, or to its partitions, other than those PostgreSQL
	 * makes for constraints; a trigger a partition inherits from its parent is listed once, on the parent.
	 */
	public List<TriggerInfo> triggers(TableInfo table) throws SQLException {
		List<TriggerInfo> triggers = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT t.tgname || CASE WHEN t.tgrelid <> ? THEN ' on ' || t.tgrelid::regclass::text ELSE '' END,
				       n.nspname, p.oid::regprocedure::text, l.lanname, p.prosrc, t.tgnargs, t.tgargs,
				       t.tgenabled::text, (t.tgtype & 16) <> 0,
				       ARRAY(SELECT a.attname FROM unnest(t.tgattr::int2[]) WITH ORDINALITY AS k(attnum, ord)
				             JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum ORDER BY k.ord)
				FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
				JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
				WHERE (t.tgrelid = ? OR t.tgrelid IN (SELECT relid FROM pg_partition_tree(?)))
				  AND NOT t.tgisinternal AND t.tgparentid = 0
				ORDER BY t.tgrelid <> ?, 1""")) {
			statement.setLong(1, table.oid());
			statement.setLong(2, table.oid());
			statement.setLong(3, table.oid());
			statement.setLong(4, table.oid());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					triggers.add(new TriggerInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
							rs.getString(5), arguments(rs.getInt(6), rs.getBytes(7)), rs.getString(8).charAt(0),
							rs.getBoolean(9), strings(rs.getArray(10))));
				}
			}
		}
		return triggers;
	}

	/** {@code tgargs}: each argument followed by a zero byte. */
	private static List<String> arguments(int count, byte[] bytes) {
		List<String> arguments = new ArrayList<>(count);
		int start = 0;
		for (int i = 0; bytes != null && i < bytes.length && arguments.size() < count; i++) {
			if (bytes[i] == 0) {
				arguments.add(new String(bytes, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
				start = i + 1;
			}
		}
		return List.copyOf(arguments);
	}

	private static List<String> strings(java.sql.Array array) throws SQLException {
		if (array == null) {
			return List.of();
		}
		List<String> strings = new ArrayList<>();
		for (Object value : (Object[]) array.getArray()) {
			strings.add((String) value);
		}
		return List.copyOf(strings);
	}

	/**
	 * The functions the query of a view calls, directly or through operators, wherever they appear in it,
	 * read from the view's stored query tree. (Built-in functions are pinned and have no {@code pg_depend}
	 * rows: the tree is the only place that names them.)
	 */
	public List<ExpressionFunction> functionsCalledBy(QualifiedName view) throws SQLException {
		List<ExpressionFunction> functions = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT DISTINCT p.oid::regprocedure::text, p.prokind::text, p.proretset, p.provolatile::text
				FROM pg_rewrite r
				CROSS JOIN LATERAL regexp_matches(r.ev_action::text, ':(funcid|opfuncid|aggfnoid|winfnoid|opno) ([0-9]+)', 'g') AS m(f)
				JOIN pg_proc p ON p.oid = CASE WHEN m.f[1] = 'opno'
				                               THEN (SELECT o.oprcode::oid FROM pg_operator o WHERE o.oid = m.f[2]::oid)
				                               ELSE m.f[2]::oid END
				WHERE r.ev_class = to_regclass(?)
				ORDER BY 1""")) {
			statement.setString(1, view.quoted());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					functions.add(new ExpressionFunction(rs.getString(1), rs.getString(2).charAt(0), rs.getBoolean(3),
							rs.getString(4).charAt(0)));
				}
			}
		}
		return functions;
	}

	/**
	 * The domains a type is, outermost first: empty when {@code type} (SQL text such as
	 * {@code varchar(20)}) is not a domain.
	 */
	public List<DomainInfo> domains(String type) throws SQLException {
		List<DomainInfo> domains = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				WITH RECURSIVE chain AS (
				  SELECT t.oid, t.typtype, t.typbasetype, t.typtypmod, t.typnotnull, t.typdefault, 0 AS depth
				  FROM pg_type t WHERE t.oid = to_regtype(?)
				  UNION ALL
				  SELECT b.oid, b.typtype, b.typbasetype, b.typtypmod, b.typnotnull, b.typdefault, c.depth + 1
				  FROM chain c JOIN pg_type b ON b.oid = c.typbasetype WHERE c.typtype = 'd'
				)
				SELECT format_type(c.oid, NULL), format_type(c.typbasetype, c.typtypmod), c.typnotnull, c.typdefault,
				       ARRAY(SELECT pg_get_constraintdef(con.oid) FROM pg_constraint con
				             WHERE con.contypid = c.oid AND con.contype = 'c' ORDER BY con.conname)
				FROM chain c WHERE c.typtype = 'd' ORDER BY c.depth""")) {
			statement.setString(1, type);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					domains.add(new DomainInfo(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
							strings(rs.getArray(5))));
				}
			}
		}
		return domains;
	}

	/** Whether {@code type} (SQL text such as {@code varchar(20)}) names a type that exists. */
	public boolean typeExists(String type) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT to_regtype(?) IS NOT NULL")) {
			statement.setString(1, type);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
	}

	/**
	 * Whether the current role may set {@code session_replication_role}: superusers may, and from
	 * PostgreSQL 15 roles granted {@code SET} on it.
	 */
	public boolean canSetSessionReplicationRole() throws SQLException {
		String sql = (this.connection.getMetaData().getDatabaseMajorVersion() >= 15)
				? "SELECT has_parameter_privilege('session_replication_role', 'SET')"
				: "SELECT rolsuper FROM pg_roles WHERE rolname = current_user";
		try (PreparedStatement statement = this.connection.prepareStatement(sql);
				ResultSet rs = statement.executeQuery()) {
			return rs.next() && rs.getBoolean(1);
		}
	}

	/** The connection's role ({@code current_user}), as the catalog spells it. */
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

	/** The views (plain or materialized) that read a table. */
	public List<DependentView> viewsOn(TableInfo table) throws SQLException {
		List<DependentView> views = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT DISTINCT n.nspname, v.relname, r.oid, obj_description(v.oid, 'pg_class')
				FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
				JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace n ON n.oid = v.relnamespace
				WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ?
				  AND v.oid <> d.refobjid AND v.relkind IN ('v', 'm')
				ORDER BY 1, 2""")) {
			statement.setLong(1, table.oid());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					views.add(new DependentView(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
				}
			}
		}
		return views;
	}

	/**
	 * The names of the user tables, bare where their schema is on the search path, else schema-qualified,
	 * sorted, at most {@code limit} of them; for errors that name the tables there are.
	 */
	public List<String> tableNames(String excludedSchema, int limit) throws SQLException {
		List<String> names = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT CASE WHEN n.nspname = ANY (current_schemas(false)) THEN c.relname ELSE n.nspname || '.' || c.relname END
				FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
				  AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname <> ?
				ORDER BY 1 LIMIT ?""")) {
			statement.setString(1, excludedSchema);
			statement.setInt(2, limit);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					names.add(rs.getString(1));
				}
			}
		}
		return names;
	}

	/** The planner's estimate of a table's rows ({@code reltuples}), 0 when unknown or the table is gone. */
	public long estimatedRows(QualifiedName table) throws SQLException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
			statement.setString(1, table.quoted());
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? rs.getLong(1) : 0;
			}
		}
	}


	/**
	 * The planner's row estimates of several tables in one query, by table; a table that does not exist is
	 * absent.
	 */
	public Map<QualifiedName, Long> estimatedRows(java.util.Collection<QualifiedName> tables) throws SQLException {
		Map<QualifiedName, Long> estimates = new HashMap<>();
		if (tables.isEmpty()) {
			return estimates;
		}
		List<QualifiedName> list = List.copyOf(new java.util.LinkedHashSet<>(tables));
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT t.i, greatest(c.reltuples, 0)::bigint "
				+ "FROM unnest(?::text[]) WITH ORDINALITY AS t(name, i) JOIN pg_class c ON c.oid = to_regclass(t.name)")) {
			statement.setArray(1, this.connection.createArrayOf("text", list.stream().map(QualifiedName::quoted).toArray()));
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					estimates.put(list.get(rs.getInt(1) - 1), rs.getLong(2));
				}
			}
		}
		return estimates;
	}

	/** The index called {@code name} (resolved through the {@code search_path} when not qualified), if any. */
	public Optional<NamedIndex> index(QualifiedName name) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT ic.oid, n.nspname, ic.relname, tn.nspname, t.relname, pg_get_indexdef(ic.oid), con.conname,
				       con.contype::text, i.indisvalid, ic.relkind = 'I'
				FROM pg_class ic JOIN pg_namespace n ON n.oid = ic.relnamespace
				JOIN pg_index i ON i.indexrelid = ic.oid
				JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
				LEFT JOIN pg_constraint con ON con.conindid = ic.oid AND con.conrelid = t.oid AND con.contype IN ('p', 'u', 'x')
				WHERE ic.oid = to_regclass(?) AND ic.relkind IN ('i', 'I')""")) {
			statement.setString(1, name.quoted());
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return Optional.empty();
				}
				return Optional.of(new NamedIndex(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
						rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getBoolean(9),
						rs.getBoolean(10)));
			}
		}
	}

	/**
	 * What the relation called {@code name} in {@code schema} is ({@code pg_class.relkind}: {@code r} a table,
	 * {@code i} an index, ...), if there is one: tables, indexes, views and sequences share one namespace.
	 */
	public Optional<String> relationKind(String schema, String name) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = ? AND c.relname = ?""")) {
			statement.setString(1, schema);
			statement.setString(2, name);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
			}
		}
	}

	/**
	 * Whether the table has a constraint called {@code name} and, if so, whether it is validated
	 * ({@code convalidated}).
	 */
	public Optional<Boolean> constraintValidated(TableInfo table, String name) throws SQLException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT convalidated FROM pg_constraint WHERE conrelid = ? AND conname = ?")) {
			statement.setLong(1, table.oid());
			statement.setString(2, name);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
			}
		}
	}

	/** The server's major version ({@code 15}). */
	public int serverMajorVersion() throws SQLException {
		return this.connection.getMetaData().getDatabaseMajorVersion();
	}

	/**
	 * The relation called {@code name} (resolved through the {@code search_path} when not qualified), of any
	 * kind, if there is one.
	 */
	public Optional<Relation> relation(QualifiedName name) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT c.oid, n.nspname, c.relname, c.relkind::text, obj_description(c.oid, 'pg_class')
				FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)""")) {
			statement.setString(1, name.quoted());
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? Optional.of(new Relation(rs.getLong(1), rs.getString(2), rs.getString(3),
						rs.getString(4), rs.getString(5))) : Optional.empty();
			}
		}
	}

	/**
	 * Whether a data type called {@code name} lives in {@code schema} (a table's row type, an enum, a domain...):
	 * a table cannot take the name of one.
	 */
	public boolean typeExists(String schema, String name) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
				WHERE n.nspname = ? AND t.typname = ?""")) {
			statement.setString(1, schema);
			statement.setString(2, name);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next();
			}
		}
	}

	/**
	 * What stops {@code DROP TABLE} (without {@code CASCADE}) of a table: objects outside it that depend on it
	 * or on the sequences it owns (views, other tables' foreign keys and defaults, child tables, functions
	 * with SQL bodies, policies...), as PostgreSQL describes them, sorted.
	 */
	public List<String> outsideDependents(TableInfo table) throws SQLException {
		List<String> dependents = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				WITH owned AS (
				  SELECT ?::oid AS oid
				  UNION SELECT d.objid FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
				  WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ?
				    AND d.deptype IN ('a', 'i'))
				SELECT DISTINCT pg_describe_object(d.classid, d.objid, 0) FROM pg_depend d
				WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid IN (SELECT oid FROM owned) AND d.deptype = 'n'
				  AND NOT (d.classid = 'pg_class'::regclass AND d.objid IN (SELECT oid FROM owned))
				  AND NOT (d.classid = 'pg_constraint'::regclass
				           AND d.objid IN (SELECT oid FROM pg_constraint WHERE conrelid = ?))
				  AND NOT (d.classid = 'pg_rewrite'::regclass AND d.objid IN (SELECT oid FROM pg_rewrite WHERE ev_class = ?))
				  AND NOT (d.classid = 'pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_trigger WHERE tgrelid = ?))
				  AND NOT (d.classid = 'pg_policy'::regclass AND d.objid IN (SELECT oid FROM pg_policy WHERE polrelid = ?))
				  AND NOT (d.classid = 'pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_attrdef WHERE adrelid = ?))
				ORDER BY 1""")) {
			for (int i = 1; i <= 7; i++) {
				statement.setLong(i, table.oid());
			}
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					dependents.add(rs.getString(1));
				}
			}
		}
		return dependents;
	}

	/**
	 * The functions of the database's own schemas (not {@code excludedSchema}, nor PostgreSQL's) written in a
	 * language with a source (not C) whose source contains {@code text}, as {@code name(argument types)} with
	 * their source; the caller reads the source more closely.
	 */
	public Map<String, String> functionsContaining(String text, String excludedSchema) throws SQLException {
		Map<String, String> functions = new java.util.TreeMap<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT p.oid::regprocedure::text, p.prosrc FROM pg_proc p
				JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
				WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname <> ?
				  AND l.lanname NOT IN ('c', 'internal') AND strpos(lower(p.prosrc), lower(?)) > 0""")) {
			statement.setString(1, excludedSchema);
			statement.setString(2, text);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					functions.put(rs.getString(1), rs.getString(2));
				}
			}
		}
		return functions;
	}

	/**
	 * A query giving whether the default of column {@code column} of {@code relation} (a schema-qualified,
	 * quoted name) calls a volatile function, read from its stored expression tree (built-in functions are
	 * pinned and have no {@code pg_depend} rows): PostgreSQL then cannot add the column with it without
	 * rewriting the table. For a statement that runs it, such as the expand of {@code addColumn}.
	 */
	public static String defaultCallsVolatileQuery(String relation, String column) {
		return "SELECT EXISTS (SELECT 1 FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
				+ "CROSS JOIN LATERAL regexp_matches(d.adbin::text, ':(funcid|opfuncid|opno) ([0-9]+)', 'g') AS m(f) "
				+ "JOIN pg_proc p ON p.oid = CASE WHEN m.f[1] = 'opno' THEN (SELECT o.oprcode::oid FROM pg_operator o "
				+ "WHERE o.oid = m.f[2]::oid) ELSE m.f[2]::oid END "
				+ "WHERE d.adrelid = to_regclass('" + relation.replace("'", "''") + "') AND a.attname = '"
				+ column.replace("'", "''") + "' AND p.provolatile = 'v')";
	}

	/** Whether the default of column {@code column} of {@code table} calls a volatile function. */
	public boolean defaultCallsVolatile(QualifiedName table, String column) throws SQLException {
		try (PreparedStatement statement = this.connection
			.prepareStatement(defaultCallsVolatileQuery(table.quoted(), column));
				ResultSet rs = statement.executeQuery()) {
			return rs.next() && rs.getBoolean(1);
		}
	}

	/**
	 * The unique keys of a table that a foreign key may reference, each as its column names in index order:
	 * its primary key and its unique constraints and indexes that are valid, not deferrable, without a
	 * predicate and without an expression.
	 */
	public List<List<String>> uniqueKeys(TableInfo table) throws SQLException {
		return indexKeys(table, "i.indisunique AND i.indimmediate AND i.indexprs IS NULL");
	}

	/**
	 * The key columns of the table's valid, non-partial btree indexes, each in index order; an expression
	 * key is an empty name.
	 */
	public List<List<String>> btreeIndexKeys(TableInfo table) throws SQLException {
		return indexKeys(table, "ic.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')");
	}

	private List<List<String>> indexKeys(TableInfo table, String condition) throws SQLException {
		List<List<String>> keys = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement(
				"SELECT array_agg(coalesce(a.attname::text, '') ORDER BY k.ord) "
						+ "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
						+ "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
						+ "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0 "
						+ "WHERE i.indrelid = ? AND i.indisvalid AND i.indpred IS NULL AND k.ord <= i.indnkeyatts AND "
						+ condition + " GROUP BY i.indexrelid ORDER BY i.indexrelid")) {
			statement.setLong(1, table.oid());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					keys.add(List.of((String[]) rs.getArray(1).getArray()));
				}
			}
		}
		return keys;
	}

	/**
	 * The foreign keys that reference the table, each described as {@code name of table (ON DELETE action)}.
	 */
	public List<String> referencingForeignKeys(TableInfo table) throws SQLException {
		List<String> keys = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT c.conname, c.conrelid::regclass::text, CASE c.confdeltype WHEN 'a' THEN 'NO ACTION'
				       WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END
				FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = ? ORDER BY 2, 1""")) {
			statement.setLong(1, table.oid());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					keys.add(rs.getString(1) + " of " + rs.getString(2) + " (ON DELETE " + rs.getString(3) + ")");
				}
			}
		}
		return keys;
	}

	/**
	 * A stamp of the triggers {@code names} of a table and of their functions: it changes when one of them is
	 * disabled, enabled, dropped, recreated or its function replaced. {@code null} when one of them is missing.
	 */
	public String triggerStamp(QualifiedName table, List<String> names) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT count(*), string_agg(concat_ws(':', t.tgname::text, t.oid::text, t.xmin::text, t.tgenabled::text,
				       p.oid::text, p.xmin::text), ',' ORDER BY t.tgname)
				FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
				WHERE t.tgrelid = to_regclass(?) AND t.tgname = ANY (?)""")) {
			statement.setString(1, table.quoted());
			statement.setArray(2, this.connection.createArrayOf("text", names.toArray()));
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return (rs.getInt(1) == names.size()) ? rs.getString(2) : null;
			}
		}
	}

}

package dev.zdm.core.catalog;

/**
 * How row level security stands on a table for the role of the connection that read it.
 *
 * @param enabled whether the table has row level security ({@code ENABLE ROW LEVEL SECURITY})
 * @param forced whether it applies to the table's owner too ({@code FORCE ROW LEVEL SECURITY})
 * @param owner the role that owns the table
 * @param role the connection's role ({@code current_user})
 * @param roleIsOwner whether that role has the owner's privileges (is it, or a member of it)
 * @param appliesToRole whether the table's policies filter what that role reads and writes: PostgreSQL's
 * own answer ({@code row_security_active}), which weighs superuser, {@code BYPASSRLS}, ownership and
 * {@code FORCE}
 */
public record RowSecurity(boolean enabled, boolean forced, String owner, String role, boolean roleIsOwner,
		boolean appliesToRole) {
}

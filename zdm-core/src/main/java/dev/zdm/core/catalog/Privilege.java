package dev.zdm.core.catalog;

/**
 * One privilege granted on a relation or one of its columns, as {@code aclexplode} lists it.
 *
 * @param column the column it is granted on, or {@code null} for the whole relation
 * @param grantee the role it is granted to, or {@code null} for {@code PUBLIC}
 * @param type the privilege ({@code SELECT}, {@code UPDATE}, ...)
 * @param grantable whether the grantee may grant it on ({@code WITH GRANT OPTION})
 */
public record Privilege(String column, String grantee, String type, boolean grantable) {
}

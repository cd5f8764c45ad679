/**
 * zdm's migration safety linter: {@link dev.zdm.lint.Linter} reads SQL scripts and Liquibase changelogs
 * and reports, as {@link dev.zdm.lint.Finding findings}, the statements that would lock or rewrite a
 * busy table, break the running version of the application, or fail at deploy time;
 * {@link dev.zdm.lint.LockRehearsal} checks them against a real PostgreSQL. Rules are documented in
 * {@code docs/lint-rules.md}.
 */
package dev.zdm.lint;

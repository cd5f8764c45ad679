package dev.zdm.lint;

/** How bad a finding is. */
public enum Severity {

	/** Blocks reads or writes, or rewrites the table, on a table that may be large and busy. */
	ERROR,

	/** Risky or costly depending on table size, traffic or the application's code; worth a look. */
	WARNING

}

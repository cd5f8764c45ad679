package dev.zdm.core.plan;

import dev.zdm.core.sql.QualifiedName;

/**
 * One declared schema change of a {@link Plan}. The family is closed: each operation knows how to
 * expand, backfill, switch, contract and roll back.
 */
public sealed interface Operation permits RenameColumn, ChangeColumnType {

	/** The table the operation changes. */
	QualifiedName table();

	/** The operation's name as written in a plan file ({@code renameColumn}). */
	String kind();

	/** A stable text form of the operation's arguments, part of the plan's checksum. */
	String canonical();

}

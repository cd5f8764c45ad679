package dev.zdm.core.operation;

/**
 * What an operation's expand recorded of the shape before it (the old column's default, which expand
 * moves into the sync trigger): stored with the expand step in zdm's state as {@link #encode()}, and given
 * back, as stored, to the operation's type when it resolves the later phases. Each type reads its own memo
 * from that text, and keeps reading every form it ever stored.
 */
public interface Memo {

	/** No memo. */
	Memo NONE = () -> null;

	/** The text stored in the state table, or {@code null} for none. */
	String encode();

}

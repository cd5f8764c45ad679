package dev.zdm.core.operation;

import dev.zdm.testing.TestDatabase;

/**
 * The contract test of an operation whose table keeps the same text column {@code email} for old and new code:
 * both shapes write it, and a value written as {@code n} reads back as {@code v<n>}.
 */
abstract class SameTextColumnContractTests extends AbstractOperationContractTests {

	protected SameTextColumnContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected String oldColumn() {
		return "email";
	}

	@Override
	protected String finalColumn() {
		return "email";
	}

	@Override
	protected String oldLiteral(long n) {
		return "'v" + n + "'";
	}

	@Override
	protected String newLiteral(long n) {
		return "'v" + n + "'";
	}

	@Override
	protected String finalText(long n) {
		return "v" + n;
	}

	@Override
	protected String oldText(long n) {
		return "v" + n;
	}

}

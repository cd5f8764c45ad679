package dev.zdm.core.operation;

import dev.zdm.testing.TestDatabase;

/**
 * The contract test of an operation whose table keeps the same integer column {@code qty} for old and new code:
 * both shapes write it, and a value written as {@code n} reads back as {@code n}.
 */
abstract class SameIntegerColumnContractTests extends AbstractOperationContractTests {

	protected SameIntegerColumnContractTests(TestDatabase db) {
		super(db);
	}

	@Override
	protected String oldColumn() {
		return "qty";
	}

	@Override
	protected String finalColumn() {
		return "qty";
	}

	@Override
	protected String oldLiteral(long n) {
		return String.valueOf(n);
	}

	@Override
	protected String newLiteral(long n) {
		return String.valueOf(n);
	}

	@Override
	protected String finalText(long n) {
		return String.valueOf(n);
	}

	@Override
	protected String oldText(long n) {
		return String.valueOf(n);
	}

}

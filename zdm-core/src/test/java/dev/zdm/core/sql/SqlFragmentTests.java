package dev.zdm.core.sql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlFragmentTests {

	@Test
	void acceptsOneExpressionWhateverItsStringsCommentsAndQuotesHold() {
		assertThat(SqlFragment.expressionProblem("round(price * 100)::integer")).isNull();
		assertThat(SqlFragment.expressionProblem("E'it\\'s; (fine' || $$;)$$ || $t$ $$ ; $t$")).isNull();
		assertThat(SqlFragment.expressionProblem("\"odd;name)\" -- trailing ; comment\n + 1")).isNull();
		assertThat(SqlFragment.expressionProblem("x$a$ + /* nested /* ; */ ) */ 1")).isNull();
	}

	@Test
	void namesWhatKeepsTextFromBeingOneExpression() {
		assertThat(SqlFragment.expressionProblem(" ")).isEqualTo("an expression is required");
		assertThat(SqlFragment.expressionProblem("1; DROP TABLE users"))
			.isEqualTo("';' is not allowed: give one expression, not statements");
		assertThat(SqlFragment.expressionProblem("'open")).isEqualTo("unterminated string literal");
		assertThat(SqlFragment.expressionProblem("E'open\\'")).isEqualTo("unterminated string literal");
		assertThat(SqlFragment.expressionProblem("\"open")).isEqualTo("unterminated quoted identifier");
		assertThat(SqlFragment.expressionProblem("1 /* open")).isEqualTo("unterminated comment");
		assertThat(SqlFragment.expressionProblem("$body$ open")).isEqualTo("unterminated dollar-quoted string $body$");
		assertThat(SqlFragment.expressionProblem("(1")).isEqualTo("unbalanced '('");
		assertThat(SqlFragment.expressionProblem("1)")).isEqualTo("unbalanced ')'");
	}

}

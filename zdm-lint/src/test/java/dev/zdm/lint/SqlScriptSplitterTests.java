package dev.zdm.lint;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlScriptSplitterTests {

	@Test
	void splitsOnSemicolonsAndKeepsLineAndColumnOfEachStatement() {
		List<SqlStatement> statements = SqlScriptSplitter.split("SELECT 1;\n\n  CREATE TABLE t (\n id int\n);  SELECT 2");
		assertThat(statements).extracting(SqlStatement::text, SqlStatement::line, SqlStatement::column)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("SELECT 1", 1, 1),
					org.assertj.core.groups.Tuple.tuple("CREATE TABLE t (\n id int\n)", 3, 3),
					org.assertj.core.groups.Tuple.tuple("SELECT 2", 5, 5));
	}

	@Test
	void semicolonsInsideQuotesAndCommentsDoNotSplit() {
		String sql = """
				SELECT 'a;b', E'c\\';d', "x;y" FROM t;
				SELECT $$ ; $$, $fn$ $$ ; $fn$;
				/* one; /* nested; */ still; */ SELECT 3; -- trailing; comment
				SELECT U&'d\\0061t;a';
				""";
		List<SqlStatement> statements = SqlScriptSplitter.split(sql);
		assertThat(statements).extracting(SqlStatement::text).containsExactly(
				"SELECT 'a;b', E'c\\';d', \"x;y\" FROM t", "SELECT $$ ; $$, $fn$ $$ ; $fn$", "SELECT 3",
				"SELECT U&'d\\0061t;a'");
		assertThat(statements.get(0).tokens()).extracting(SqlToken::value).contains("a;b", "c';d", "x;y");
		assertThat(statements.get(2).comments()).extracting(SqlComment::text)
			.containsExactly("one; /* nested; */ still;", "trailing; comment");
	}

	@Test
	void sqlStandardFunctionBodyIsOneStatement() {
		String sql = """
				CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC
				  SELECT 1; SELECT CASE WHEN true THEN 2 END;
				END;
				SELECT 4;
				""";
		assertThat(SqlScriptSplitter.split(sql)).hasSize(2).last().extracting(SqlStatement::line).isEqualTo(4);
	}

	@Test
	void unquotedIdentifiersFoldToLowerCaseAndQuotedOnesKeepTheirCase() {
		List<SqlToken> tokens = SqlScriptSplitter.split("ALTER TABLE Orders ADD \"Mixed\" int").get(0).tokens();
		assertThat(tokens).extracting(SqlToken::value).containsExactly("alter", "table", "orders", "add", "Mixed", "int");
	}

	@Test
	void commentsBeforeAStatementBelongToIt() {
		List<SqlStatement> statements = SqlScriptSplitter.split("SELECT 1;\n-- zdm:allow ZDM001 why\nSELECT 2;");
		assertThat(statements.get(0).comments()).isEmpty();
		assertThat(statements.get(1).comments()).extracting(SqlComment::text, SqlComment::line)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("zdm:allow ZDM001 why", 2));
	}

}

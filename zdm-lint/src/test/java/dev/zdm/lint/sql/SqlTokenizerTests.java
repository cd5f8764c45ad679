package dev.zdm.lint.sql;

import java.util.List;

import dev.zdm.lint.sql.SqlTokenizer.Kind;
import dev.zdm.lint.sql.SqlTokenizer.Token;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlTokenizerTests {

	@Test
	void tokensKeepTheirKindValueOffsetsAndPositions() {
		String sql = "SELECT \"A\"\"b\", E'it\\'s', $f$ ; $f$, x$1 -- note\n/* a /* b */ c */ $2::int;";
		List<Token> tokens = SqlTokenizer.tokenize(sql);
		assertThat(tokens).extracting(Token::kind).containsExactly(Kind.WORD, Kind.QUOTED_IDENTIFIER, Kind.SYMBOL,
				Kind.STRING, Kind.SYMBOL, Kind.STRING, Kind.SYMBOL, Kind.WORD, Kind.COMMENT, Kind.COMMENT,
				Kind.PARAMETER, Kind.SYMBOL, Kind.WORD, Kind.SYMBOL);
		assertThat(tokens).extracting(Token::value).containsExactly("select", "A\"b", ",", "it's", ",", " ; ", ",",
				"x$1", "note", "a /* b */ c", "$2", "::", "int", ";");
		assertThat(tokens).allSatisfy((token) -> assertThat(sql.substring(token.start(), token.end())).isEqualTo(token.text()));
		assertThat(tokens.get(9).line()).isEqualTo(2);
		assertThat(tokens.get(9).column()).isEqualTo(1);
		assertThat(tokens).allMatch(Token::terminated);
	}

	@Test
	void unterminatedStringsIdentifiersAndCommentsAreMarked() {
		assertThat(SqlTokenizer.tokenize("'open").get(0).terminated()).isFalse();
		assertThat(SqlTokenizer.tokenize("\"open").get(0).terminated()).isFalse();
		assertThat(SqlTokenizer.tokenize("/* open /* */").get(0).terminated()).isFalse();
		assertThat(SqlTokenizer.tokenize("$t$ open $$").get(0).terminated()).isFalse();
		assertThat(SqlTokenizer.tokenize("-- a line comment ends the input").get(0).terminated()).isTrue();
	}

	@Test
	void freeDollarTagIsNotInTheBody() {
		assertThat(SqlTokenizer.freeDollarTag("BEGIN RETURN NEW; END", "zdm_sync")).isEqualTo("$zdm_sync$");
		assertThat(SqlTokenizer.freeDollarTag("x := '$zdm_sync$' || '$zdm_sync_$';", "zdm_sync")).isEqualTo("$zdm_sync__$");
	}

}

package dev.zdm.core.sync;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sync.RowExpression.Variable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a plan's expression becomes PL/pgSQL in the sync trigger ({@link RowExpression}): variables for the
 * row's columns it names, or the sub-select over {@code NEW.*} when it could read the row another way. The
 * behaviour on a table is in {@code SyncEdgeCasesTests} and {@code SyncCorrectnessTests}.
 */
class RowExpressionTests {

	private static final Map<String, String> COLUMNS = new LinkedHashMap<>();

	static {
		COLUMNS.put("id", "bigint");
		COLUMNS.put("amount", "numeric(10,2)");
		COLUMNS.put("scale", "integer");
		COLUMNS.put("Note", "public.\"Mood\"");
		COLUMNS.put("amount_minor", "bigint");
	}

	@Test
	void theColumnsItNamesBecomeVariablesOfItsBlockTypedLikeTheirColumns() {
		RowExpression up = RowExpression.overRow("round(amount * scale)::bigint || \"Note\" || note", "text", "t",
				COLUMNS);
		assertThat(up.variables()).containsExactly(
				Map.entry(Identifier.of("amount"), new Variable(Identifier.of("amount"), "numeric(10,2)")),
				Map.entry(Identifier.of("scale"), new Variable(Identifier.of("scale"), "integer")),
				Map.entry(Identifier.of("Note"), new Variable(Identifier.of("Note"), "public.\"Mood\"")));
		assertThat(up.assign(Identifier.of("amount_text"))).isEqualTo("DECLARE \"amount\" numeric(10,2) := NEW.\"amount\"; "
				+ "\"scale\" integer := NEW.\"scale\"; \"Note\" public.\"Mood\" := NEW.\"Note\"; BEGIN NEW.\"amount_text\" := "
				+ "CAST((round(amount * scale)::bigint || \"Note\" || note) AS text); END;");
	}

	@Test
	void aConstantNeedsNoBlockAndTheWayBackSeesTheNewColumnUnderItsFinalName() {
		assertThat(RowExpression.overRow("'x'", "text", "t", COLUMNS).assign(Identifier.of("c")))
			.isEqualTo("NEW.\"c\" := CAST(('x') AS text);");
		RowExpression down = RowExpression.overNewRow("amount / 100.0 + scale", "numeric", Identifier.of("amount_minor"),
				Identifier.of("amount"), "t", COLUMNS);
		assertThat(down.variables()).containsExactly(
				Map.entry(Identifier.of("amount"), new Variable(Identifier.of("amount_minor"), "bigint")),
				Map.entry(Identifier.of("scale"), new Variable(Identifier.of("scale"), "integer")));
	}

	@Test
	void anExpressionThatCouldReadTheRowAnotherWayKeepsTheSubSelect() {
		for (String expression : List.of("md5(t::text)", "f(_zdm_row)", "coalesce(new, 0)", "tg_op", "_zdm_n",
				"U&\"am\\006fount\" * 2", "found")) {
			RowExpression over = RowExpression.overRow(expression, "text", "t", COLUMNS);
			assertThat(over.variables()).as(expression).isEmpty();
			assertThat(over.expression()).as(expression)
				.isEqualTo("(SELECT CAST((" + expression + ") AS text) FROM (SELECT NEW.*) AS _zdm_row)");
		}
		assertThat(RowExpression.overNewRow("new", "text", Identifier.of("amount_minor"), Identifier.of("amount"), "t",
				COLUMNS).expression())
			.isEqualTo("(SELECT (SELECT CAST((new) AS text) FROM (SELECT NEW.\"amount_minor\" AS \"amount\") AS _zdm_new) "
					+ "FROM (SELECT NEW.*) AS _zdm_row)");
	}

}

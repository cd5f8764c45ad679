package dev.zdm.core.sync;

import java.util.List;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a plan's expression becomes PL/pgSQL in the sync trigger ({@link RowExpression}): variables for the
 * row's columns it names, or the sub-select over {@code NEW.*} when it could read the row another way. The
 * behaviour on a table is in {@code SyncEdgeCasesTests} and {@code SyncCorrectnessTests}.
 */
class RowExpressionTests {

	private static final QualifiedName TABLE = new QualifiedName(Identifier.of("public"), Identifier.of("t"));

	private static final List<String> COLUMNS = List.of("id", "amount", "scale", "Note", "amount_minor");

	@Test
	void theColumnsItNamesBecomeVariablesOfItsBlockTypedLikeTheirColumns() {
		RowExpression up = RowExpression.overRow("round(amount * scale)::bigint || \"Note\" || note", "text", TABLE, "t",
				COLUMNS);
		assertThat(up.variables()).containsExactly(java.util.Map.entry(Identifier.of("amount"), Identifier.of("amount")),
				java.util.Map.entry(Identifier.of("scale"), Identifier.of("scale")),
				java.util.Map.entry(Identifier.of("Note"), Identifier.of("Note")));
		assertThat(up.assign(Identifier.of("amount_text"))).isEqualTo("DECLARE \"amount\" \"public\".\"t\".\"amount\"%TYPE "
				+ ":= NEW.\"amount\"; \"scale\" \"public\".\"t\".\"scale\"%TYPE := NEW.\"scale\"; \"Note\" "
				+ "\"public\".\"t\".\"Note\"%TYPE := NEW.\"Note\"; BEGIN NEW.\"amount_text\" := CAST((round(amount * scale)"
				+ "::bigint || \"Note\" || note) AS text); END;");
	}

	@Test
	void aConstantNeedsNoBlockAndTheWayBackSeesTheNewColumnUnderItsFinalName() {
		assertThat(RowExpression.overRow("'x'", "text", TABLE, "t", COLUMNS).assign(Identifier.of("c")))
			.isEqualTo("NEW.\"c\" := CAST(('x') AS text);");
		RowExpression down = RowExpression.overNewRow("amount / 100.0 + scale", "numeric", Identifier.of("amount_minor"),
				Identifier.of("amount"), TABLE, "t", COLUMNS);
		assertThat(down.variables()).containsExactly(java.util.Map.entry(Identifier.of("amount"), Identifier.of("amount_minor")),
				java.util.Map.entry(Identifier.of("scale"), Identifier.of("scale")));
	}

	@Test
	void anExpressionThatCouldReadTheRowAnotherWayKeepsTheSubSelect() {
		for (String expression : List.of("md5(t::text)", "f(_zdm_row)", "coalesce(new, 0)", "tg_op", "_zdm_n",
				"U&\"am\\006fount\" * 2", "found")) {
			RowExpression over = RowExpression.overRow(expression, "text", TABLE, "t", COLUMNS);
			assertThat(over.variables()).as(expression).isEmpty();
			assertThat(over.expression()).as(expression)
				.isEqualTo("(SELECT CAST((" + expression + ") AS text) FROM (SELECT NEW.*) AS _zdm_row)");
		}
		assertThat(RowExpression.overNewRow("new", "text", Identifier.of("amount_minor"), Identifier.of("amount"), TABLE,
				"t", COLUMNS).expression())
			.isEqualTo("(SELECT (SELECT CAST((new) AS text) FROM (SELECT NEW.\"amount_minor\" AS \"amount\") AS _zdm_new) "
					+ "FROM (SELECT NEW.*) AS _zdm_row)");
	}

}

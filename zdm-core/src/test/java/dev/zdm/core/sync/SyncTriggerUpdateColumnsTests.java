package dev.zdm.core.sync;

import java.util.List;

import dev.zdm.core.sql.Identifier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which updates fire the main sync trigger ({@link SyncTrigger#updateColumns}): the key and the columns the
 * plan's expressions name, or every update when an expression could read the row another way. The
 * behaviour on a table is in {@code SyncEdgeCasesTests}.
 */
class SyncTriggerUpdateColumnsTests {

	private static final List<String> COLUMNS = List.of("id", "amount", "scale", "Note", "other");

	@Test
	void theKeyAndTheColumnsTheExpressionsNameQuotedOrNot() {
		assertThat(SyncTrigger.updateColumns("t", COLUMNS, List.of("id"),
				List.of("round(amount * scale)::bigint", "amount_minor / 100.0 || \"Note\"")))
			.containsExactly(Identifier.of("id"), Identifier.of("amount"), Identifier.of("scale"), Identifier.of("Note"));
	}

	@Test
	void aWordThatIsNoColumnAddsNothingAndNoExpressionLeavesTheKey() {
		assertThat(SyncTrigger.updateColumns("t", COLUMNS, List.of("id"), List.of("upper(note)", "'other'")))
			.containsExactly(Identifier.of("id"));
		assertThat(SyncTrigger.updateColumns("t", COLUMNS, List.of("id"), List.of())).containsExactly(Identifier.of("id"));
	}

	@Test
	void anExpressionThatNamesTheRowAsAWholeKeepsTheTriggerOnEveryUpdate() {
		assertThat(SyncTrigger.updateColumns("t", COLUMNS, List.of("id"), List.of("md5(t::text)"))).isEmpty();
		assertThat(SyncTrigger.updateColumns("t", COLUMNS, List.of("id"), List.of("f(_zdm_row)"))).isEmpty();
	}

}

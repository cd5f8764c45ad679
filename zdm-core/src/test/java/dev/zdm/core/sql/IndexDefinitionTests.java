package dev.zdm.core.sql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IndexDefinitionTests {

	@Test
	void replacesColumnReferencesOnlyAfterUsing() {
		assertThat(IndexDefinition.concurrentCopy(
				"CREATE UNIQUE INDEX code_idx ON code.code USING btree (code) WHERE (code <> 'code'::text)",
				Identifier.of("tmp"), Identifier.of("code"), Identifier.of("ref")))
			.isEqualTo("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"tmp\" ON code.code USING btree (\"ref\") "
					+ "WHERE (\"ref\" <> 'code'::text)");
	}

	@Test
	void leavesFunctionsQualifiedNamesAndLiteralsAlone() {
		assertThat(IndexDefinition.replaceColumn("gin (lower(lower), x.lower, 'it''s lower') WHERE (\"lower\" IS NULL)",
				Identifier.of("lower"), Identifier.of("Low")))
			.isEqualTo("gin (lower(\"Low\"), x.lower, 'it''s lower') WHERE (\"Low\" IS NULL)");
	}

	@Test
	void refusesWhatCannotBeBuiltConcurrently() {
		assertThatThrownBy(() -> IndexDefinition.concurrentCopy("CREATE INDEX p_idx ON ONLY public.p USING btree (a)",
				Identifier.of("t"), Identifier.of("a"), Identifier.of("b")))
			.hasMessageContaining("partitioned");
	}


	@Test
	void readsTheDefinitionWithTheSharedTokenizer() {
		// A column named like the exponent of a number, or inside a comment or a dollar quote, is not a reference.
		assertThat(IndexDefinition.replaceColumn("btree ((e5 * 1e5)) WHERE (e5 <> $$e5$$) /* e5 */",
				Identifier.of("e5"), Identifier.of("f")))
			.isEqualTo("btree ((\"f\" * 1e5)) WHERE (\"f\" <> $$e5$$) /* e5 */");
	}

}

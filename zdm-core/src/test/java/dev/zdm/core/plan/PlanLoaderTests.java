package dev.zdm.core.plan;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanLoaderTests {

	private final PlanLoader loader = new PlanLoader();

	@Test
	void loadsEveryOperationOfThisRelease() {
		Plan plan = this.loader.load("""
				id: rename-users-email
				description: Rename users.email and store prices in cents
				operations:
				  - renameColumn:
				      table: billing.users
				      from: email
				      to: email_address
				  - changeColumnType:
				      table: products
				      column: price
				      type: integer
				      up: "round(price * 100)::integer"
				      down: "price_cents / 100.0"
				      rename: price_cents
				      default: "0"
				""", "db/zdm/plan.yaml");
		assertThat(plan.id()).isEqualTo("rename-users-email");
		assertThat(plan.source()).isEqualTo("db/zdm/plan.yaml");
		assertThat(plan.operations()).hasSize(2);
		RenameColumn rename = (RenameColumn) plan.operations().get(0);
		assertThat(rename.table().quoted()).isEqualTo("\"billing\".\"users\"");
		assertThat(rename.to().name()).isEqualTo("email_address");
		ChangeColumnType change = (ChangeColumnType) plan.operations().get(1);
		assertThat(change.finalName().name()).isEqualTo("price_cents");
		assertThat(change.defaultExpression()).isEqualTo("0");
	}

	@Test
	void checksumIgnoresDescriptionAndLayoutButNotOperations() {
		Plan a = this.loader.load("id: a\noperations:\n  - renameColumn: {table: t, from: x, to: y}\n", "a.yaml");
		Plan b = this.loader.load(
				"# comment\nid: a\ndescription: other\noperations:\n  - renameColumn:\n      table: t\n      from: x\n      to: y\n",
				"b.yaml");
		Plan c = this.loader.load("id: a\noperations:\n  - renameColumn: {table: t, from: x, to: z}\n", "c.yaml");
		assertThat(a.checksum()).isEqualTo(b.checksum()).isNotEqualTo(c.checksum());
	}

	@Test
	void brokenYamlNamesFileLineAndColumn() {
		assertThatThrownBy(
				() -> this.loader.load("id: x\noperations:\n  - renameColumn: {table: t, from: a\n", "db/zdm/broken.yaml"))
			.isInstanceOf(PlanException.class)
			.hasMessageContaining("db/zdm/broken.yaml:4:")
			.hasMessageContaining("is not valid YAML");
	}

	@Test
	void unknownKeysAndOperationsAreNamedWithTheirLine() {
		assertThatThrownBy(() -> this.loader.load("""
				id: typo
				operations:
				  - renameColumn:
				      table: users
				      form: email
				      to: email_address
				  - dropEverything:
				      table: users
				""", "typo.yaml"))
			.isInstanceOfSatisfying(PlanException.class, (ex) -> {
				assertThat(ex.problems()).extracting(PlanProblem::toString).containsExactly(
						"typo.yaml:5:7: operation 1 (renameColumn): unknown key 'form': expected one of from, table, to",
						"typo.yaml:4:7: operation 1 (renameColumn): 'from' is required",
						"typo.yaml:7:5: operation 2: unknown operation 'dropEverything': use one of "
								+ String.join(", ", dev.zdm.core.operation.Operations.kinds()));
			});
	}

	@Test
	void identifiersThatAreNotPlainNamesAreRefused() {
		String longName = "a".repeat(64);
		assertThatThrownBy(() -> this.loader.load("""
				id: bad-names
				operations:
				  - renameColumn: {table: "users; drop table x", from: email, to: "e\\"mail"}
				  - renameColumn: {table: users, from: email, to: %s}
				""".formatted(longName), "bad.yaml"))
			.isInstanceOfSatisfying(PlanException.class, (ex) -> {
				assertThat(ex.problems()).hasSize(3);
				assertThat(ex.getMessage()).contains("bad.yaml:3:")
					.contains("operation 1 (renameColumn): 'table': \"users; drop table x\" is not a valid identifier")
					.contains("'to': \"e\"mail\" is not a valid identifier")
					.contains("bad.yaml:4:")
					.contains("longer than PostgreSQL's 63-byte identifier limit");
			});
	}

	@Test
	void invalidIdAndExpressionsWithStatementsAreRefused() {
		assertThatThrownBy(() -> this.loader.load("""
				id: Bad_Id
				operations:
				  - changeColumnType: {table: t, column: c, type: int, up: "c; DROP TABLE t", down: "(c"}
				""", "x.yaml"))
			.isInstanceOfSatisfying(PlanException.class, (ex) -> assertThat(ex.getMessage())
				.contains("x.yaml:1:5: id \"Bad_Id\" must be lower-case letters and digits")
				.contains("x.yaml:3:23: operation 1 (changeColumnType): 'up': ';' is not allowed"));
	}

	@Test
	void sqlFragmentsIgnoreSemicolonsInsideQuotes() {
		Plan plan = this.loader.load("""
				id: quoted
				operations:
				  - changeColumnType: {table: t, column: c, type: text, up: "c || ';'", down: "replace(c, $$;$$, '')"}
				""", "q.yaml");
		assertThat(((ChangeColumnType) plan.operations().get(0)).up()).isEqualTo("c || ';'");
	}

}

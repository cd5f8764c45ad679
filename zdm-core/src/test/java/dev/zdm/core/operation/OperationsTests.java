package dev.zdm.core.operation;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.zdm.core.plan.AddCheckConstraint;
import dev.zdm.core.plan.AddColumn;
import dev.zdm.core.plan.AddForeignKey;
import dev.zdm.core.plan.AddUniqueConstraint;
import dev.zdm.core.plan.ChangeColumnType;
import dev.zdm.core.plan.CreateIndex;
import dev.zdm.core.plan.CreateTable;
import dev.zdm.core.plan.DropColumn;
import dev.zdm.core.plan.DropDefault;
import dev.zdm.core.plan.DropIndex;
import dev.zdm.core.plan.DropNotNull;
import dev.zdm.core.plan.DropTable;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.RenameColumn;
import dev.zdm.core.plan.RenameTable;
import dev.zdm.core.plan.ReplaceColumns;
import dev.zdm.core.plan.SetDefault;
import dev.zdm.core.plan.SetNotNull;
import dev.zdm.core.plan.Sql;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry covers the sealed family: every operation record has exactly one type, found by its kind
 * (as plan files name it) and by its record (as the orchestrator and validator find it).
 */
class OperationsTests {

	/** One instance of every operation record; a new record without one fails {@link #everyRecordHasAnInstanceHere}. */
	private static final List<Operation> EXAMPLES = List.of(
			new RenameColumn(QualifiedName.parse("t"), Identifier.of("a"), Identifier.of("b")),
			new ChangeColumnType(QualifiedName.parse("t"), Identifier.of("a"), "integer", "a::integer", "a::text", null,
					null),
			new CreateIndex(QualifiedName.parse("t"), Identifier.of("i"), List.of(Identifier.of("a")), null, false, null,
					null, null),
			new DropIndex(QualifiedName.parse("i")),
			new AddCheckConstraint(QualifiedName.parse("t"), Identifier.of("c"), "a > 0"),
			new SetNotNull(QualifiedName.parse("t"), Identifier.of("a"), null),
			new SetDefault(QualifiedName.parse("t"), Identifier.of("a"), "0"),
			new DropDefault(QualifiedName.parse("t"), Identifier.of("a")),
			new DropNotNull(QualifiedName.parse("t"), Identifier.of("a")),
			new RenameTable(QualifiedName.parse("t"), Identifier.of("u")),
			new DropTable(QualifiedName.parse("t")),
			new Sql(Sql.Phase.EXPAND, List.of(Sql.Statement.of("SELECT 1")), List.of(), List.of(), null),
			new AddColumn(QualifiedName.parse("t"), Identifier.of("b"), "integer", null, false, null),
			new CreateTable(QualifiedName.parse("t"), List.of(new CreateTable.Column(Identifier.of("a"), "bigint", null,
					true)), List.of(Identifier.of("a")), List.of()),
			new AddForeignKey(QualifiedName.parse("t"), List.of(Identifier.of("a")), QualifiedName.parse("r"),
					List.of(Identifier.of("id")), null, null, true, null),
			new AddUniqueConstraint(QualifiedName.parse("t"), List.of(Identifier.of("a")), null, null, null),
			new DropColumn(QualifiedName.parse("t"), Identifier.of("a")),
			new ReplaceColumns(QualifiedName.parse("t"), List.of(Identifier.of("a")),
					List.of(new ReplaceColumns.NewColumn(Identifier.of("b"), "text", false, null)), "t", null, null));

	@Test
	void everyRecordOfTheSealedFamilyHasOneType() {
		Set<Class<?>> records = Set.of(Operation.class.getPermittedSubclasses());
		Set<Class<?>> typed = new HashSet<>();
		for (OperationType<?> type : Operations.types()) {
			assertThat(typed.add(type.operationClass())).as("two types for %s", type.operationClass()).isTrue();
		}
		assertThat(typed).isEqualTo(records);
	}

	@Test
	void everyRecordHasAnInstanceHere() {
		assertThat(EXAMPLES.stream().map(Object::getClass).toList())
			.containsExactlyInAnyOrderElementsOf(Arrays.asList(Operation.class.getPermittedSubclasses()));
	}

	@Test
	void aRecordIsBoundToTheTypeOfItsKind() {
		for (Operation operation : EXAMPLES) {
			Operations.Bound<?> bound = Operations.bind(operation);
			assertThat(bound.operation()).isSameAs(operation);
			assertThat(bound.type().operationClass()).isEqualTo(operation.getClass());
			assertThat(bound.type().kind()).isEqualTo(operation.kind());
			assertThat(Operations.type(operation.kind())).containsSame(bound.type());
		}
	}

	@Test
	void kindsAreUniqueAndEveryTypeDeclaresTheTableKey() {
		assertThat(Operations.kinds()).hasSameSizeAs(Operations.types());
		for (OperationType<?> type : Operations.types()) {
			// dropIndex names its index alone, and finds the table from it (OperationType#table).
			assertThat(type.keys()).as(type.kind()).contains(type.kind().equals("dropIndex") ? "name" : "table");
		}
	}

	@Test
	void theReplaceColumnsMemoReadsBackWhatItWrote() {
		List<String> defaults = java.util.Arrays.asList(null, "'a;b:1'::text", "", "now()");
		ReplaceColumnsType.DefaultsMemo memo = new ReplaceColumnsType.DefaultsMemo(defaults);
		assertThat(ReplaceColumnsType.DefaultsMemo.decode(memo.encode()).defaults()).isEqualTo(defaults);
	}

	@Test
	void theExpandMemoReadsEveryStoredForm() {
		assertThat(ColumnCopy.ExpandMemo.decode("default:'x'::text").oldDefault()).isEqualTo("'x'::text");
		assertThat(ColumnCopy.ExpandMemo.decode("no-default").oldDefault()).isNull();
		assertThat(ColumnCopy.ExpandMemo.decode(new ColumnCopy.ExpandMemo("now()").encode()).oldDefault())
			.isEqualTo("now()");
		assertThat(new ColumnCopy.ExpandMemo(null).encode()).isEqualTo("no-default");
	}

}

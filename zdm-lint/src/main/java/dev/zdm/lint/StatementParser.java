package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.AddConstraint;
import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.ColumnDefinition;
import dev.zdm.lint.ParsedStatement.ConstraintDefinition;
import dev.zdm.lint.ParsedStatement.Generated;
import dev.zdm.lint.ParsedStatement.Name;
import dev.zdm.lint.ParsedStatement.Reference;

/**
 * A recursive-descent reader for the PostgreSQL statements that matter to the lock and rewrite rules.
 *
 * <p>
 * It is deliberately not a full grammar. JSqlParser 5.4 was evaluated against the rule corpus (216
 * statements at the time) and rejected 47 of them, among them exactly the forms the rules must tell apart: {@code REINDEX},
 * {@code DROP INDEX CONCURRENTLY}, {@code VACUUM FULL}, {@code CLUSTER}, {@code LOCK TABLE},
 * {@code ADD CONSTRAINT ... NOT VALID}, {@code ADD CHECK}, {@code UNIQUE/PRIMARY KEY USING INDEX},
 * {@code EXCLUDE}, {@code NOT NULL} table constraints (PostgreSQL 18), {@code SET DATA TYPE}, {@code ::} casts
 * in defaults, {@code E'...'} strings and {@code BEGIN}. A fallback for that many statements would be a second
 * linter, so this reader recognises the statement shapes the rules need and answers
 * {@link ParsedStatement.Unparsed} for anything else, which the linter reports instead of passing it
 * silently.
 */
final class StatementParser {

	private static final Set<String> COLUMN_CONSTRAINT_WORDS = Set.of("constraint", "not", "null", "default", "primary",
			"unique", "references", "check", "generated", "collate", "compression", "storage", "using");

	private static final Set<String> TABLE_CONSTRAINT_WORDS = Set.of("constraint", "primary", "unique", "foreign",
			"check", "exclude");

	private static final Set<String> HARMLESS_HEADS = Set.of("insert", "select", "values", "copy", "comment", "grant",
			"revoke", "call", "notify", "listen", "unlisten", "savepoint", "release", "discard", "show", "explain",
			"analyze", "analyse", "security", "prepare", "execute", "deallocate", "checkpoint", "import", "reassign",
			"fetch", "declare", "close", "move", "load", "table");

	private static final Set<String> HARMLESS_CREATE_OBJECTS = Set.of("function", "procedure", "view", "sequence",
			"extension", "schema", "type", "role", "user", "group", "policy", "aggregate", "cast", "collation",
			"publication", "subscription", "statistics", "operator", "rule", "language", "conversion", "server",
			"foreign", "text", "tablespace", "event", "transform", "access", "database", "materialized", "recursive");

	private static final Set<String> HARMLESS_ALTER_OBJECTS = Set.of("sequence", "view", "function", "procedure",
			"schema", "role", "user", "group", "default", "materialized", "extension", "database", "policy", "publication",
			"subscription", "statistics", "operator", "aggregate", "collation", "event", "server", "foreign", "text",
			"tablespace", "language", "large", "routine", "system", "trigger", "rule", "conversion");

	private static final Pattern DYNAMIC_DDL = Pattern.compile(
			"(?i)\\b(alter|create|drop|reindex|vacuum|cluster|truncate|lock|update|delete|refresh)\\s");

	private final TokenCursor cursor;

	private StatementParser(List<SqlToken> tokens) {
		this.cursor = new TokenCursor(tokens);
	}

	static ParsedStatement parse(SqlStatement statement) {
		try {
			return new StatementParser(statement.tokens()).statement();
		}
		catch (RuntimeException ex) {
			// A malformed statement must surface as a finding, never as a crash of the whole lint run.
			return new ParsedStatement.Unparsed("could not read the statement (" + ex.getClass().getSimpleName() + ")");
		}
	}

	private ParsedStatement statement() {
		TokenCursor c = this.cursor;
		SqlToken head = c.peek();
		if (head.kind() != SqlToken.Kind.WORD) {
			return new ParsedStatement.Unparsed("unexpected '" + head.text() + "' at the start of the statement");
		}
		if (c.accept("begin") || c.accept("start", "transaction")) {
			return new ParsedStatement.Transaction(ParsedStatement.Transaction.Boundary.BEGIN);
		}
		if (c.accept("commit") || c.accept("end")) {
			return new ParsedStatement.Transaction(ParsedStatement.Transaction.Boundary.COMMIT);
		}
		if (c.peekWords("rollback", "to") || c.peekWords("rollback", "transaction", "to")) {
			return new ParsedStatement.Harmless("rollback to savepoint");
		}
		if (c.accept("rollback") || c.accept("abort")) {
			return new ParsedStatement.Transaction(ParsedStatement.Transaction.Boundary.ROLLBACK);
		}
		if (c.accept("set")) {
			return set();
		}
		if (c.accept("reset")) {
			Name parameter = c.name();
			return new ParsedStatement.SetParameter((parameter != null) ? parameter.name() : "all", null, false);
		}
		if (c.accept("create")) {
			return create();
		}
		if (c.accept("drop")) {
			return drop();
		}
		if (c.accept("alter")) {
			return alter();
		}
		if (c.accept("reindex")) {
			return reindex();
		}
		if (c.accept("truncate")) {
			return truncate();
		}
		if (c.accept("vacuum")) {
			return vacuum();
		}
		if (c.accept("cluster")) {
			while (c.accept("verbose")) {
				// Options carry no meaning for the lock.
			}
			if (c.peekSymbol("(")) {
				c.parenthesized();
			}
			return new ParsedStatement.Cluster(c.name());
		}
		if (c.accept("update")) {
			c.accept("only");
			return dataChange("UPDATE", c);
		}
		if (c.accept("delete", "from")) {
			c.accept("only");
			return dataChange("DELETE", c);
		}
		if (c.accept("with")) {
			return with();
		}
		if (c.accept("lock")) {
			c.accept("table");
			c.accept("only");
			List<Name> tables = names();
			String mode = c.remainingContainsWord("mode") ? modeOf(c.rest()) : "ACCESS EXCLUSIVE";
			return new ParsedStatement.LockTable(tables, mode);
		}
		if (c.accept("refresh", "materialized", "view")) {
			boolean concurrently = c.accept("concurrently");
			return new ParsedStatement.RefreshMaterializedView(c.name(), concurrently);
		}
		if (c.accept("do")) {
			return doBlock();
		}
		if (c.accept("merge", "into")) {
			return merge();
		}
		if (c.accept("insert", "into")) {
			Name table = c.name();
			return (table != null) ? new ParsedStatement.DataChange("INSERT", table, List.of())
					: new ParsedStatement.Harmless("insert");
		}
		if (HARMLESS_HEADS.contains(head.value())) {
			return new ParsedStatement.Harmless(head.value());
		}
		return new ParsedStatement.Unparsed("statements starting with '" + head.text() + "' are not understood");
	}

	/** An anonymous code block: its body, which the linter reads statement by statement, and its language. */
	private ParsedStatement doBlock() {
		SqlToken body = null;
		String language = "plpgsql";
		while (!this.cursor.atEnd()) {
			SqlToken token = this.cursor.next();
			if (token.isWord("language") && !this.cursor.atEnd()) {
				language = this.cursor.next().value().toLowerCase(Locale.ROOT);
			}
			else if (token.kind() == SqlToken.Kind.STRING && body == null) {
				body = token;
			}
		}
		if (body == null) {
			return new ParsedStatement.Unparsed("DO without a body");
		}
		return new ParsedStatement.DoBlock(body, language);
	}

	/** {@code MERGE INTO target [AS alias] USING source ON condition WHEN ...}: writes the rows ON matches. */
	private ParsedStatement merge() {
		TokenCursor c = this.cursor;
		c.accept("only");
		Name table = c.name();
		if (table == null) {
			return new ParsedStatement.Unparsed("MERGE without a target table");
		}
		List<SqlToken> on = new ArrayList<>();
		boolean inOn = false;
		int depth = 0;
		for (SqlToken token : c.rest()) {
			if (token.isSymbol("(")) {
				depth++;
			}
			else if (token.isSymbol(")")) {
				depth--;
			}
			if (depth == 0 && token.isWord("on") && !inOn) {
				inOn = true;
				continue;
			}
			if (depth == 0 && token.isWord("when")) {
				break;
			}
			if (inOn) {
				on.add(token);
			}
		}
		return new ParsedStatement.DataChange("MERGE", table, on);
	}

	private static String modeOf(List<SqlToken> rest) {
		StringBuilder mode = new StringBuilder();
		boolean inMode = false;
		for (SqlToken token : rest) {
			if (token.isWord("in")) {
				inMode = true;
				continue;
			}
			if (token.isWord("mode") || token.isWord("nowait")) {
				break;
			}
			if (inMode) {
				mode.append((mode.length() > 0) ? " " : "").append(token.value().toUpperCase(Locale.ROOT));
			}
		}
		return mode.toString();
	}

	private ParsedStatement set() {
		TokenCursor c = this.cursor;
		boolean local = c.accept("local");
		c.accept("session");
		if (c.peekWords("transaction") || c.peekWords("constraints") || c.peekWords("role")
				|| c.peekWords("session", "authorization")) {
			return new ParsedStatement.Harmless("set");
		}
		if (c.accept("time", "zone")) {
			StringBuilder zone = new StringBuilder();
			c.rest().forEach((token) -> zone.append(token.value()));
			return new ParsedStatement.SetParameter("timezone", zone.toString(), local);
		}
		Name parameter = c.name();
		if (parameter == null) {
			return new ParsedStatement.Unparsed("SET without a parameter name");
		}
		if (!c.accept("to")) {
			c.acceptSymbol("=");
		}
		StringBuilder value = new StringBuilder();
		for (SqlToken token : c.rest()) {
			value.append(token.value());
		}
		return new ParsedStatement.SetParameter(parameter.name(), value.toString(), local);
	}

	/** An UPDATE or DELETE of the table named next, with the tokens of its top-level WHERE clause. */
	private static ParsedStatement dataChange(String verb, TokenCursor c) {
		Name table = c.name();
		List<SqlToken> where = null;
		int depth = 0;
		for (SqlToken token : c.rest()) {
			if (token.isSymbol("(")) {
				depth++;
			}
			else if (token.isSymbol(")")) {
				depth--;
			}
			if (where != null) {
				if (depth == 0 && (token.isWord("returning") || token.isWord("order") || token.isWord("limit"))) {
					break;
				}
				where.add(token);
			}
			else if (depth == 0 && token.isWord("where")) {
				where = new ArrayList<>();
			}
		}
		return new ParsedStatement.DataChange(verb, table, where);
	}

	private ParsedStatement with() {
		// A data-modifying CTE: the verb of the main statement follows the last top-level CTE body.
		int depth = 0;
		while (!this.cursor.atEnd()) {
			SqlToken token = this.cursor.next();
			if (token.isSymbol("(")) {
				depth++;
			}
			else if (token.isSymbol(")")) {
				depth--;
			}
			else if (depth == 0 && token.isWord("update")) {
				this.cursor.accept("only");
				return dataChange("UPDATE", this.cursor);
			}
			else if (depth == 0 && token.isWord("delete") && this.cursor.accept("from")) {
				this.cursor.accept("only");
				return dataChange("DELETE", this.cursor);
			}
		}
		return new ParsedStatement.Harmless("with");
	}

	private ParsedStatement create() {
		TokenCursor c = this.cursor;
		c.accept("or", "replace");
		boolean unique = c.accept("unique");
		if (c.accept("index")) {
			return createIndex(unique);
		}
		boolean temporary = false;
		if (c.accept("global") || c.accept("local")) {
			temporary = true;
		}
		if (c.accept("temporary") || c.accept("temp")) {
			temporary = true;
		}
		c.accept("unlogged");
		if (c.accept("table")) {
			return createTable(temporary);
		}
		if (c.accept("materialized", "view")) {
			// A new relation, as private to this migration as a new table: indexing it is not flagged.
			c.accept("if", "not", "exists");
			Name view = c.name();
			return (view != null) ? new ParsedStatement.CreateTable(view, List.of(), List.of(), false, false)
					: new ParsedStatement.Unparsed("CREATE MATERIALIZED VIEW without a name");
		}
		if (c.accept("domain")) {
			Name domain = c.name();
			return new ParsedStatement.CreateDomain(domain, c.remainingContainsWord("check"));
		}
		if (c.accept("constraint", "trigger") || c.accept("trigger")) {
			while (!c.atEnd() && !c.peekWords("on")) {
				c.next();
			}
			c.accept("on");
			return new ParsedStatement.CreateTrigger(c.name());
		}
		SqlToken object = c.peek();
		if (object != null && HARMLESS_CREATE_OBJECTS.contains(object.value())) {
			return new ParsedStatement.Harmless("create " + object.value());
		}
		return new ParsedStatement.Unparsed("CREATE " + ((object != null) ? object.text() : "") + " is not understood");
	}

	private ParsedStatement createIndex(boolean unique) {
		TokenCursor c = this.cursor;
		boolean concurrently = c.accept("concurrently");
		boolean ifNotExists = c.accept("if", "not", "exists");
		Name index = null;
		if (!c.peekWords("on")) {
			index = c.name();
		}
		if (!c.accept("on")) {
			return new ParsedStatement.Unparsed("CREATE INDEX without ON <table>");
		}
		boolean only = c.accept("only");
		Name table = c.name();
		return new ParsedStatement.CreateIndex(index, table, concurrently, unique, ifNotExists, only);
	}

	private ParsedStatement createTable(boolean temporary) {
		TokenCursor c = this.cursor;
		c.accept("if", "not", "exists");
		Name table = c.name();
		if (table == null) {
			return new ParsedStatement.Unparsed("CREATE TABLE without a table name");
		}
		boolean partitionOf = c.accept("partition", "of");
		if (partitionOf) {
			c.name();
		}
		c.accept("of");
		List<ColumnDefinition> columns = new ArrayList<>();
		List<ConstraintDefinition> constraints = new ArrayList<>();
		if (c.peekSymbol("(")) {
			for (List<SqlToken> element : TokenCursor.splitTopLevel(c.parenthesized())) {
				if (element.isEmpty()) {
					continue;
				}
				SqlToken first = element.get(0);
				if (first.kind() == SqlToken.Kind.WORD && TABLE_CONSTRAINT_WORDS.contains(first.value())) {
					constraints.add(constraint(new TokenCursor(element)));
				}
				else if (first.isWord("like")) {
					continue;
				}
				else {
					columns.add(column(new TokenCursor(element)));
				}
			}
		}
		return new ParsedStatement.CreateTable(table, columns, constraints, partitionOf, temporary);
	}

	private ParsedStatement drop() {
		TokenCursor c = this.cursor;
		if (c.accept("index")) {
			boolean concurrently = c.accept("concurrently");
			boolean ifExists = c.accept("if", "exists");
			return new ParsedStatement.DropIndex(names(), concurrently, ifExists);
		}
		if (c.accept("table")) {
			boolean ifExists = c.accept("if", "exists");
			List<Name> tables = names();
			return new ParsedStatement.DropTable(tables, ifExists, c.remainingContainsWord("cascade"));
		}
		if (c.accept("schema")) {
			c.accept("if", "exists");
			List<Name> schemas = names();
			return new ParsedStatement.DropSchema(schemas, c.remainingContainsWord("cascade"));
		}
		SqlToken object = c.peek();
		if (object != null && object.kind() == SqlToken.Kind.WORD) {
			return new ParsedStatement.Harmless("drop " + object.value());
		}
		return new ParsedStatement.Unparsed("DROP of an unknown object");
	}

	private List<Name> names() {
		List<Name> names = new ArrayList<>();
		Name name = this.cursor.name();
		while (name != null) {
			names.add(name);
			if (!this.cursor.acceptSymbol(",")) {
				break;
			}
			name = this.cursor.name();
		}
		return names;
	}

	private ParsedStatement reindex() {
		TokenCursor c = this.cursor;
		boolean concurrently = false;
		if (c.peekSymbol("(")) {
			for (SqlToken option : c.parenthesized()) {
				concurrently |= option.isWord("concurrently");
			}
		}
		SqlToken target = c.peek();
		if (target == null || target.kind() != SqlToken.Kind.WORD) {
			return new ParsedStatement.Unparsed("REINDEX without a target");
		}
		c.next();
		concurrently |= c.accept("concurrently");
		return new ParsedStatement.Reindex(target.value(), c.name(), concurrently);
	}

	private ParsedStatement truncate() {
		TokenCursor c = this.cursor;
		c.accept("table");
		c.accept("only");
		List<Name> tables = names();
		return new ParsedStatement.Truncate(tables, c.remainingContainsWord("cascade"));
	}

	private ParsedStatement vacuum() {
		TokenCursor c = this.cursor;
		boolean full = false;
		if (c.peekSymbol("(")) {
			for (List<SqlToken> option : TokenCursor.splitTopLevel(c.parenthesized())) {
				if (!option.isEmpty() && option.get(0).isWord("full")) {
					full = option.size() == 1 || !(option.get(1).isWord("false") || option.get(1).isWord("off")
							|| option.get(1).value().equals("0"));
				}
			}
		}
		while (!c.atEnd() && c.peek().kind() == SqlToken.Kind.WORD
				&& Set.of("full", "freeze", "verbose", "analyze", "analyse").contains(c.peek().value())) {
			full |= c.next().isWord("full");
		}
		return new ParsedStatement.Vacuum(full, names());
	}

	private ParsedStatement alter() {
		TokenCursor c = this.cursor;
		if (c.accept("table")) {
			return alterTable();
		}
		if (c.accept("domain")) {
			Name domain = c.name();
			boolean addsCheck = c.accept("add") && c.remainingContainsWord("check");
			return new ParsedStatement.AlterDomain(domain, addsCheck, c.remainingContainsWord("valid"));
		}
		if (c.accept("type")) {
			Name type = c.name();
			if (c.accept("add", "value")) {
				return new ParsedStatement.AlterType(type, "add value", c.accept("if", "not", "exists"));
			}
			if (c.accept("rename", "value")) {
				return new ParsedStatement.AlterType(type, "rename value", false);
			}
			return new ParsedStatement.AlterType(type, "other", false);
		}
		if (c.accept("index")) {
			return new ParsedStatement.Harmless("alter index");
		}
		if (c.accept("schema")) {
			Name schema = c.name();
			if (c.accept("rename", "to")) {
				return new ParsedStatement.RenameSchema(schema, c.name());
			}
			return new ParsedStatement.Harmless("alter schema");
		}
		SqlToken object = c.peek();
		if (object != null && HARMLESS_ALTER_OBJECTS.contains(object.value())) {
			return new ParsedStatement.Harmless("alter " + object.value());
		}
		return new ParsedStatement.Unparsed("ALTER " + ((object != null) ? object.text() : "") + " is not understood");
	}

	private ParsedStatement alterTable() {
		TokenCursor c = this.cursor;
		if (c.peekWords("all", "in")) {
			return new ParsedStatement.Unparsed("ALTER TABLE ALL IN TABLESPACE is not understood");
		}
		boolean ifExists = c.accept("if", "exists");
		c.accept("only");
		Name table = c.name();
		if (table == null) {
			return new ParsedStatement.Unparsed("ALTER TABLE without a table name");
		}
		c.acceptSymbol("*");
		List<AlterAction> actions = new ArrayList<>();
		for (List<SqlToken> part : TokenCursor.splitTopLevel(c.rest())) {
			if (!part.isEmpty()) {
				actions.add(alterAction(new TokenCursor(part)));
			}
		}
		if (actions.isEmpty()) {
			return new ParsedStatement.Unparsed("ALTER TABLE without an action");
		}
		return new ParsedStatement.AlterTable(table, ifExists, actions);
	}

	private AlterAction alterAction(TokenCursor c) {
		SqlToken at = c.peek();
		if (c.accept("add")) {
			SqlToken next = c.peek();
			if (next != null && next.kind() == SqlToken.Kind.WORD && TABLE_CONSTRAINT_WORDS.contains(next.value())
					&& !c.peekWords("check", "(") && !(next.isWord("unique") && false)) {
				return new AddConstraint(constraint(c), at);
			}
			if (next != null && next.isWord("check")) {
				return new AddConstraint(constraint(c), at);
			}
			c.accept("column");
			boolean ifNotExists = c.accept("if", "not", "exists");
			return new AddColumn(column(c), ifNotExists, at);
		}
		if (c.accept("drop")) {
			if (c.accept("constraint")) {
				c.accept("if", "exists");
				Name name = c.name();
				return new ParsedStatement.DropConstraint((name != null) ? name.name() : "", at);
			}
			c.accept("column");
			boolean ifExists = c.accept("if", "exists");
			return new ParsedStatement.DropColumn(c.name(), ifExists, at);
		}
		if (c.accept("alter")) {
			if (c.accept("constraint")) {
				return new ParsedStatement.MetadataOnly("alter constraint", at);
			}
			c.accept("column");
			Name column = c.name();
			if (c.accept("set", "data", "type") || c.accept("type")) {
				DataType type = dataType(c);
				if (c.accept("collate")) {
					c.name();
				}
				boolean using = c.accept("using") && !isCastTo(c.rest(), column, type);
				return new ParsedStatement.AlterColumnType(column, type, using, at);
			}
			if (c.accept("set", "not", "null")) {
				return new ParsedStatement.SetNotNull(column, at);
			}
			if (c.accept("drop", "not", "null")) {
				return new ParsedStatement.DropNotNull(column, at);
			}
			if (c.peekWords("set", "expression")) {
				return new ParsedStatement.Rewrite("SET EXPRESSION on a stored generated column", at);
			}
			if (c.peekWords("add", "generated")) {
				return new ParsedStatement.MetadataOnly("add identity", at);
			}
			if (c.accept("set") || c.accept("drop") || c.accept("reset") || c.accept("restart")) {
				return new ParsedStatement.MetadataOnly("alter column", at);
			}
			return new ParsedStatement.UnknownAction(text(c), at);
		}
		if (c.accept("validate", "constraint")) {
			Name name = c.name();
			return new ParsedStatement.ValidateConstraint((name != null) ? name.name() : "", at);
		}
		if (c.accept("rename")) {
			if (c.accept("constraint")) {
				return new ParsedStatement.MetadataOnly("rename constraint", at);
			}
			if (c.accept("to")) {
				return new ParsedStatement.RenameTable(c.name(), at);
			}
			c.accept("column");
			Name column = c.name();
			c.accept("to");
			return new ParsedStatement.RenameColumn(column, c.name(), at);
		}
		if (c.accept("detach", "partition")) {
			Name partition = c.name();
			boolean concurrently = c.accept("concurrently");
			return new ParsedStatement.DetachPartition(partition, concurrently, c.accept("finalize"), at);
		}
		if (c.accept("attach", "partition")) {
			return new ParsedStatement.AttachPartition(c.name(), at);
		}
		if (c.peekWords("set", "logged") || c.peekWords("set", "unlogged") || c.peekWords("set", "tablespace")
				|| c.peekWords("set", "access", "method")) {
			c.next();
			return new ParsedStatement.Rewrite("SET " + c.next().text().toUpperCase(Locale.ROOT), at);
		}
		if (c.accept("disable", "trigger")) {
			SqlToken which = c.peek();
			return new ParsedStatement.DisableTrigger((which != null) ? which.value() : "", at);
		}
		SqlToken head = c.peek();
		if (head != null && Set.of("set", "reset", "enable", "disable", "force", "no", "owner", "replica", "cluster",
				"inherit", "of", "not").contains(head.value())) {
			return new ParsedStatement.MetadataOnly(head.value(), at);
		}
		return new ParsedStatement.UnknownAction(text(c), at);
	}

	/**
	 * Whether a USING expression only casts the column to the new type ({@code col::type},
	 * {@code (col::type)}, {@code CAST(col AS type)}): PostgreSQL then decides the rewrite from the types, as
	 * without USING.
	 */
	private boolean isCastTo(List<SqlToken> using, Name column, DataType type) {
		List<SqlToken> tokens = new ArrayList<>(using);
		while (tokens.size() >= 2 && tokens.get(0).isSymbol("(") && tokens.get(tokens.size() - 1).isSymbol(")")) {
			tokens = new ArrayList<>(tokens.subList(1, tokens.size() - 1));
		}
		if (column == null || tokens.isEmpty()) {
			return false;
		}
		TokenCursor cast = new TokenCursor(tokens);
		DataType target;
		if (cast.accept("cast") && cast.acceptSymbol("(")) {
			Name name = cast.name();
			if (name == null || !name.name().equals(column.name()) || !cast.accept("as")) {
				return false;
			}
			target = dataType(cast);
			if (!cast.acceptSymbol(")")) {
				return false;
			}
		}
		else {
			Name name = cast.name();
			if (name == null || !name.name().equals(column.name()) || !cast.acceptSymbol("::")) {
				return false;
			}
			target = dataType(cast);
		}
		return cast.atEnd() && target.base().equals(type.base()) && target.modifiers().equals(type.modifiers())
				&& target.array() == type.array();
	}

	private static String text(TokenCursor c) {
		StringBuilder text = new StringBuilder();
		for (SqlToken token : c.rest()) {
			text.append((text.length() > 0) ? " " : "").append(token.text());
		}
		return text.toString();
	}

	/** A column definition: name, type, then column constraints in any order. */
	private ColumnDefinition column(TokenCursor c) {
		Name name = c.name();
		DataType type = dataType(c);
		List<SqlToken> defaultExpression = null;
		boolean notNull = false;
		boolean primaryKey = false;
		boolean unique = false;
		boolean check = false;
		Reference references = null;
		Generated generated = Generated.NONE;
		while (!c.atEnd()) {
			if (c.accept("constraint")) {
				c.name();
			}
			else if (c.accept("not", "null")) {
				notNull = true;
			}
			else if (c.accept("null")) {
				notNull = false;
			}
			else if (c.accept("default")) {
				defaultExpression = expression(c);
			}
			else if (c.accept("primary", "key")) {
				primaryKey = true;
				notNull = true;
			}
			else if (c.accept("unique")) {
				unique = true;
				c.accept("nulls", "not", "distinct");
				c.accept("nulls", "distinct");
			}
			else if (c.accept("references")) {
				references = reference(c);
			}
			else if (c.accept("check")) {
				check = true;
				c.parenthesized();
			}
			else if (c.accept("generated")) {
				if (c.accept("always", "as", "identity") || c.accept("by", "default", "as", "identity")) {
					generated = Generated.IDENTITY;
					if (c.peekSymbol("(")) {
						c.parenthesized();
					}
				}
				else {
					c.accept("always");
					c.accept("as");
					c.parenthesized();
					generated = c.accept("stored") ? Generated.STORED : Generated.VIRTUAL;
					c.accept("virtual");
				}
			}
			else {
				c.next();
			}
		}
		return new ColumnDefinition(name, type, defaultExpression, notNull, primaryKey, unique, references, generated,
				check);
	}

	/** The tokens of a default expression, up to the next column constraint at the top level. */
	private static List<SqlToken> expression(TokenCursor c) {
		List<SqlToken> tokens = new ArrayList<>();
		int depth = 0;
		while (!c.atEnd()) {
			SqlToken token = c.peek();
			if (depth == 0 && token.kind() == SqlToken.Kind.WORD && COLUMN_CONSTRAINT_WORDS.contains(token.value())
					&& !token.isWord("null") && !(token.isWord("not") && !c.peekWords("not", "null"))) {
				break;
			}
			if (depth == 0 && token.isWord("null") && !tokens.isEmpty()) {
				break;
			}
			if (token.isSymbol("(")) {
				depth++;
			}
			else if (token.isSymbol(")")) {
				depth--;
			}
			tokens.add(c.next());
		}
		return tokens;
	}

	/** The referenced table and columns, or null when the table is missing (a half-written statement). */
	private Reference reference(TokenCursor c) {
		Name table = c.name();
		if (table == null) {
			return null;
		}
		List<String> columns = c.peekSymbol("(") ? TokenCursor.identifiers(c.parenthesized()) : List.of();
		return new Reference(table, columns);
	}

	private DataType dataType(TokenCursor c) {
		StringBuilder words = new StringBuilder();
		StringBuilder text = new StringBuilder();
		List<Integer> modifiers = new ArrayList<>();
		boolean array = false;
		while (!c.atEnd()) {
			SqlToken token = c.peek();
			if (token.isIdentifier() && !(token.kind() == SqlToken.Kind.WORD && COLUMN_CONSTRAINT_WORDS.contains(token.value()))) {
				if (token.isWord("array")) {
					array = true;
					text.append(" ARRAY");
					c.next();
					continue;
				}
				c.next();
				words.append((words.length() > 0 && words.charAt(words.length() - 1) != '.') ? " " : "").append(token.value());
				text.append((text.length() > 0 && text.charAt(text.length() - 1) != '.') ? " " : "").append(token.text());
			}
			else if (token.isSymbol(".")) {
				c.next();
				words.append('.');
				text.append('.');
			}
			else if (token.isSymbol("(")) {
				List<SqlToken> inside = c.parenthesized();
				StringBuilder mods = new StringBuilder();
				for (SqlToken modifier : inside) {
					mods.append(modifier.text());
					if (modifier.kind() == SqlToken.Kind.NUMBER) {
						modifiers.add(Integer.parseInt(modifier.text()));
					}
				}
				text.append('(').append(mods).append(')');
			}
			else if (token.isSymbol("[")) {
				array = true;
				while (!c.atEnd() && !c.next().isSymbol("]")) {
					// Array bounds are ignored by PostgreSQL.
				}
				text.append("[]");
			}
			else {
				break;
			}
		}
		return DataType.of(words.toString(), modifiers, array, text.toString());
	}

	/** A table constraint, the cursor on {@code CONSTRAINT name} or on the constraint keyword. */
	private ConstraintDefinition constraint(TokenCursor c) {
		SqlToken at = c.peek();
		Name name = null;
		if (c.accept("constraint")) {
			name = c.name();
		}
		String kind;
		List<String> columns = List.of();
		boolean usingIndex = false;
		Reference references = null;
		List<String> checked = new ArrayList<>();
		if (c.accept("primary", "key") || c.accept("unique")) {
			kind = c.current().isWord("key") ? "PRIMARY KEY" : "UNIQUE";
			c.accept("nulls", "not", "distinct");
			c.accept("nulls", "distinct");
			if (c.accept("using", "index")) {
				usingIndex = true;
			}
			else if (c.peekSymbol("(")) {
				columns = TokenCursor.identifiers(c.parenthesized());
			}
		}
		else if (c.accept("foreign", "key")) {
			kind = "FOREIGN KEY";
			columns = TokenCursor.identifiers(c.parenthesized());
			if (c.accept("references")) {
				references = reference(c);
			}
		}
		else if (c.accept("check")) {
			kind = "CHECK";
			List<SqlToken> expression = c.parenthesized();
			expression.stream().filter(SqlToken::isIdentifier).map(SqlToken::value).forEach(checked::add);
			if (expression.size() == 4 && expression.get(0).isIdentifier() && expression.get(1).isWord("is")
					&& expression.get(2).isWord("not") && expression.get(3).isWord("null")) {
				columns = List.of(expression.get(0).value());
			}
		}
		else if (c.accept("exclude")) {
			kind = "EXCLUDE";
		}
		else if (c.accept("not", "null")) {
			kind = "NOT NULL";
			Name column = c.name();
			columns = (column != null) ? List.of(column.name()) : List.of();
		}
		else {
			kind = "UNKNOWN";
		}
		boolean notValid = false;
		while (!c.atEnd()) {
			if (c.accept("not", "valid")) {
				notValid = true;
			}
			else {
				c.next();
			}
		}
		return new ConstraintDefinition(kind, name, columns, usingIndex, references, notValid, at, List.copyOf(checked));
	}

}

package dev.zdm.core.plan;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The arguments of one operation in a plan file, as its type reads them: each accessor checks a value and
 * reports what is wrong with it at its line and column, so every problem of a plan is reported at once.
 * An accessor that found a problem returns {@code null}; {@link #build} then gives no operation.
 * <p>
 * Keys the operation's type does not declare are reported when the arguments are opened.
 */
public final class OperationArguments {

	private final MappingNode mapping;

	private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

	private final BiConsumer<Node, String> problems;

	private final Map<Item, Node> itemNodes = new IdentityHashMap<>();

	private int problemCount;

	OperationArguments(MappingNode mapping, Set<String> keys, BiConsumer<Node, String> problems) {
		this.mapping = mapping;
		this.problems = problems;
		for (NodeTuple tuple : mapping.getValue()) {
			if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
				problem(tuple.getKeyNode(), "keys must be plain names");
				continue;
			}
			if (!keys.contains(key.getValue())) {
				problem(key, "unknown key '" + key.getValue() + "': expected one of " + String.join(", ", new TreeSet<>(keys)));
				continue;
			}
			this.entries.put(key.getValue(), tuple);
		}
	}

	/** Whether the plan gives {@code key}. */
	public boolean has(String key) {
		return this.entries.containsKey(key);
	}

	/** Whether the plan gives {@code key} as a mapping (rather than a single value or a list). */
	public boolean isMapping(String key) {
		NodeTuple tuple = this.entries.get(key);
		return tuple != null && tuple.getValueNode() instanceof MappingNode;
	}

	/** A single value, or {@code null} (reported when {@code required}). */
	public String scalar(String key, boolean required) {
		NodeTuple tuple = this.entries.get(key);
		if (tuple == null) {
			if (required) {
				problem(this.mapping, "'" + key + "' is required");
			}
			return null;
		}
		if (!(tuple.getValueNode() instanceof ScalarNode scalar)) {
			problem(tuple.getValueNode(), "'" + key + "' must be a single value");
			return null;
		}
		return scalar.getValue();
	}

	/** A table name, possibly schema-qualified ({@code billing.users}); required. */
	public QualifiedName table(String key) {
		String text = scalar(key, true);
		if (text == null) {
			return null;
		}
		try {
			return QualifiedName.parse(text);
		}
		catch (IllegalArgumentException ex) {
			problem(this.entries.get(key).getValueNode(), "'" + key + "': " + ex.getMessage());
			return null;
		}
	}

	/** A PostgreSQL identifier, or {@code null} (reported when {@code required}). */
	public Identifier identifier(String key, boolean required) {
		String text = scalar(key, required);
		if (text == null) {
			return null;
		}
		String problem = Identifier.problem(text);
		if (problem != null) {
			problem(this.entries.get(key).getValueNode(), "'" + key + "': " + problem);
			return null;
		}
		return Identifier.of(text);
	}

	/** A non-empty list of identifiers ({@code [a, b]}), or {@code null} (reported when {@code required}). */
	public List<Identifier> identifiers(String key, boolean required) {
		NodeTuple tuple = this.entries.get(key);
		if (tuple == null) {
			if (required) {
				problem(this.mapping, "'" + key + "' is required");
			}
			return null;
		}
		if (!(tuple.getValueNode() instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
			problem(tuple.getValueNode(), "'" + key + "' must be a non-empty list of names");
			return null;
		}
		List<Identifier> names = new ArrayList<>();
		boolean valid = true;
		for (Node item : sequence.getValue()) {
			String problem = (item instanceof ScalarNode scalar) ? Identifier.problem(scalar.getValue())
					: "a list item must be a single name";
			if (problem != null) {
				problem(item, "'" + key + "': " + problem);
				valid = false;
			}
			else {
				names.add(Identifier.of(((ScalarNode) item).getValue()));
			}
		}
		return valid ? List.copyOf(names) : null;
	}

	/** {@code true} or {@code false}; {@code absent} when the plan does not give it, {@code null} if invalid. */
	public Boolean bool(String key, boolean absent) {
		String text = scalar(key, false);
		if (text == null) {
			return this.entries.containsKey(key) ? null : absent;
		}
		return switch (text.toLowerCase(Locale.ROOT)) {
			case "true" -> true;
			case "false" -> false;
			default -> {
				problem(this.entries.get(key).getValueNode(), "'" + key + "' must be true or false");
				yield null;
			}
		};
	}

	/**
	 * One of {@code values}, written as in a plan ({@code keep-newest-by} for {@code KEEP_NEWEST_BY}), or
	 * {@code absent} when the plan does not give it; {@code null} if invalid.
	 */
	public <E extends Enum<E>> E choice(String key, Class<E> values, E absent) {
		String text = scalar(key, false);
		if (text == null) {
			return this.entries.containsKey(key) ? null : absent;
		}
		List<String> names = new ArrayList<>();
		for (E value : values.getEnumConstants()) {
			String name = value.name().toLowerCase(Locale.ROOT).replace('_', '-');
			if (name.equals(text)) {
				return value;
			}
			names.add(name);
		}
		problem(this.entries.get(key).getValueNode(), "'" + key + "' must be one of " + String.join(", ", names));
		return null;
	}

	/** The nested mapping under {@code key} with keys {@code keys}, or {@code null} (reported when {@code required}). */
	public OperationArguments mapping(String key, Set<String> keys, boolean required) {
		NodeTuple tuple = this.entries.get(key);
		if (tuple == null) {
			if (required) {
				problem(this.mapping, "'" + key + "' is required");
			}
			return null;
		}
		if (!(tuple.getValueNode() instanceof MappingNode nested)) {
			problem(tuple.getValueNode(), "'" + key + "' must be a mapping with keys " + String.join(", ", new TreeSet<>(keys)));
			return null;
		}
		return new OperationArguments(nested, keys, this::problem);
	}

	/**
	 * A single value of a list, with where it is in the plan file.
	 *
	 * @param value the value
	 * @param line 1-based line of the value
	 * @param column 1-based column of the value
	 */
	public record Item(String value, int line, int column) {
	}

	/**
	 * A non-empty list of single values ({@code [a, b]} or one item per line), each with its line, or
	 * {@code null} (reported when {@code required}).
	 */
	public List<Item> items(String key, boolean required) {
		NodeTuple tuple = this.entries.get(key);
		if (tuple == null) {
			if (required) {
				problem(this.mapping, "'" + key + "' is required");
			}
			return null;
		}
		if (!(tuple.getValueNode() instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
			problem(tuple.getValueNode(), "'" + key + "' must be a non-empty list");
			return null;
		}
		List<Item> items = new ArrayList<>();
		boolean valid = true;
		for (Node item : sequence.getValue()) {
			if (item instanceof ScalarNode scalar) {
				Item value = new Item(scalar.getValue(), scalar.getStartMark().getLine() + 1,
						scalar.getStartMark().getColumn() + 1);
				this.itemNodes.put(value, scalar);
				items.add(value);
			}
			else {
				problem(item, "'" + key + "': a list item must be a single value");
				valid = false;
			}
		}
		return valid ? List.copyOf(items) : null;
	}

	/**
	 * The mappings of the list under {@code key}, each with keys {@code keys}, or {@code null} (reported
	 * when {@code required}); an empty list gives none.
	 */
	public List<OperationArguments> mappings(String key, Set<String> keys, boolean required) {
		NodeTuple tuple = this.entries.get(key);
		if (tuple == null) {
			if (required) {
				problem(this.mapping, "'" + key + "' is required");
			}
			return null;
		}
		if (!(tuple.getValueNode() instanceof SequenceNode sequence)) {
			problem(tuple.getValueNode(), "'" + key + "' must be a list of mappings with keys "
					+ String.join(", ", new TreeSet<>(keys)));
			return null;
		}
		List<OperationArguments> mappings = new ArrayList<>();
		for (Node item : sequence.getValue()) {
			if (item instanceof MappingNode nested) {
				mappings.add(new OperationArguments(nested, keys, this::problem));
			}
			else {
				problem(item, "'" + key + "': each item must be a mapping with keys " + String.join(", ", new TreeSet<>(keys)));
			}
		}
		return mappings;
	}

	/** Reports a problem with the value of {@code key} at its line (or with the arguments, if absent). */
	public void reject(String key, String message) {
		NodeTuple tuple = this.entries.get(key);
		problem((tuple != null) ? tuple.getValueNode() : this.mapping, message);
	}

	/** Reports a problem at the line of {@code item}, one of this arguments' {@link #items}. */
	public void reject(Item item, String message) {
		problem(this.itemNodes.getOrDefault(item, this.mapping), message);
	}

	/**
	 * The operation made by {@code factory}, unless a problem was reported while reading its arguments; a
	 * record's own refusal ({@link IllegalArgumentException}) is reported at the operation.
	 */
	public <O> O build(Supplier<O> factory) {
		if (this.problemCount > 0) {
			return null;
		}
		try {
			return factory.get();
		}
		catch (IllegalArgumentException ex) {
			problem(this.mapping, ex.getMessage());
			return null;
		}
	}

	private void problem(Node at, String message) {
		this.problemCount++;
		this.problems.accept(at, message);
	}

}

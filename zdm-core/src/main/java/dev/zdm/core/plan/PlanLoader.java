package dev.zdm.core.plan;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.zdm.core.operation.OperationType;
import dev.zdm.core.operation.Operations;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads plan files. Every problem is reported with its file, line and column, all at once, as a
 * {@link PlanException}.
 */
public final class PlanLoader {

	private static final Set<String> PLAN_KEYS = Set.of("id", "description", "operations");


	/** Loads the plan in {@code file}. */
	public Plan load(Path file) {
		try {
			return load(Files.readString(file, StandardCharsets.UTF_8), file.toString());
		}
		catch (IOException ex) {
			throw new PlanException(null, List.of(new PlanProblem(file.toString(), 0, 0, 0, null,
					"cannot be read: " + ex.getMessage())));
		}
	}

	/** Loads a plan from {@code yaml}; {@code source} names it in errors. */
	public Plan load(String yaml, String source) {
		return new Parse(source).plan(yaml);
	}

	private static final class Parse {

		private final String source;

		private final List<PlanProblem> problems = new ArrayList<>();

		private int operationIndex;

		private String operationKind;

		Parse(String source) {
			this.source = source;
		}

		Plan plan(String yaml) {
			Node root;
			try (Reader reader = new StringReader(yaml)) {
				LoaderOptions options = new LoaderOptions();
				options.setAllowDuplicateKeys(false);
				root = new Yaml(options).compose(reader);
			}
			catch (MarkedYAMLException ex) {
				Mark mark = ex.getProblemMark();
				throw refuse(null, List.of(new PlanProblem(this.source, (mark != null) ? mark.getLine() + 1 : 0,
						(mark != null) ? mark.getColumn() + 1 : 0, 0, null, "is not valid YAML: " + ex.getProblem())));
			}
			catch (YAMLException | IOException ex) {
				throw refuse(null, List.of(new PlanProblem(this.source, 0, 0, 0, null, "is not valid YAML: " + ex.getMessage())));
			}
			if (!(root instanceof MappingNode mapping)) {
				problem(root, "a plan is a mapping with keys id, description and operations");
				throw refuse(null, this.problems);
			}
			Map<String, NodeTuple> entries = entries(mapping, PLAN_KEYS);
			String id = scalar(entries, "id", mapping, true);
			if (id != null) {
				String idProblem = Plan.idProblem(id);
				if (idProblem != null) {
					problem(entries.get("id").getValueNode(), idProblem);
					id = null;
				}
			}
			String description = scalar(entries, "description", mapping, false);
			List<Operation> operations = new ArrayList<>();
			NodeTuple ops = entries.get("operations");
			if (ops == null) {
				problem(mapping, "'operations' is required: list the operations of the migration");
			}
			else if (!(ops.getValueNode() instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
				problem(ops.getValueNode(), "'operations' must be a non-empty list");
			}
			else {
				for (Node node : sequence.getValue()) {
					this.operationIndex++;
					this.operationKind = null;
					Operation operation = operation(node);
					if (operation != null) {
						operations.add(operation);
					}
				}
			}
			if (!this.problems.isEmpty() || id == null) {
				throw refuse(id, this.problems);
			}
			return new Plan(id, description, operations, this.source);
		}

		private Operation operation(Node node) {
			String kinds = String.join(", ", Operations.kinds());
			if (!(node instanceof MappingNode mapping) || mapping.getValue().size() != 1
					|| !(mapping.getValue().get(0).getKeyNode() instanceof ScalarNode)) {
				problem(node, "an operation is a mapping with one key, its kind: one of " + kinds);
				return null;
			}
			NodeTuple tuple = mapping.getValue().get(0);
			String kind = ((ScalarNode) tuple.getKeyNode()).getValue();
			Optional<OperationType<?>> type = Operations.type(kind);
			if (type.isEmpty()) {
				problem(tuple.getKeyNode(), "unknown operation '" + kind + "': use one of " + kinds);
				return null;
			}
			this.operationKind = kind;
			Set<String> keys = type.get().keys();
			if (!(tuple.getValueNode() instanceof MappingNode arguments)) {
				problem(tuple.getValueNode(), "the arguments of " + kind + " must be a mapping with keys "
						+ String.join(", ", new TreeSet<>(keys)));
				return null;
			}
			int before = this.problems.size();
			Operation operation = type.get().read(new OperationArguments(arguments, keys, this::problem));
			return (this.problems.size() == before) ? operation : null;
		}

		private String scalar(Map<String, NodeTuple> entries, String key, MappingNode owner, boolean required) {
			NodeTuple tuple = entries.get(key);
			if (tuple == null) {
				if (required) {
					problem(owner, "'" + key + "' is required");
				}
				return null;
			}
			if (!(tuple.getValueNode() instanceof ScalarNode scalar)) {
				problem(tuple.getValueNode(), "'" + key + "' must be a single value");
				return null;
			}
			return scalar.getValue();
		}

		private Map<String, NodeTuple> entries(MappingNode mapping, Set<String> known) {
			Map<String, NodeTuple> entries = new LinkedHashMap<>();
			for (NodeTuple tuple : mapping.getValue()) {
				if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
					problem(tuple.getKeyNode(), "keys must be plain names");
					continue;
				}
				if (!known.contains(key.getValue())) {
					problem(key, "unknown key '" + key.getValue() + "': expected one of " + String.join(", ", new java.util.TreeSet<>(known)));
					continue;
				}
				entries.put(key.getValue(), tuple);
			}
			return entries;
		}

		private void problem(Node at, String message) {
			Mark mark = (at != null) ? at.getStartMark() : null;
			this.problems.add(new PlanProblem(this.source, (mark != null) ? mark.getLine() + 1 : 0,
					(mark != null) ? mark.getColumn() + 1 : 0, this.operationIndex, this.operationKind, message));
		}

		private PlanException refuse(String id, List<PlanProblem> problems) {
			return new PlanException(id, problems);
		}

	}

}

package dev.zdm.core.catalog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trigger on a table (not one PostgreSQL made for a constraint), with its function.
 *
 * @param name the trigger's name
 * @param functionSchema the schema of its function
 * @param function its function, as {@code regprocedure} prints it ({@code audit.log_change()})
 * @param language the function's language ({@code plpgsql}, {@code c}, ...)
 * @param body the function's source ({@code prosrc}): the code of a procedural function, the symbol of a C one
 * @param arguments the arguments given to the function in {@code CREATE TRIGGER}
 * @param enabled {@code pg_trigger.tgenabled}: {@code O} (fires in origin and local mode), {@code A} (always),
 * {@code R} (only in replica mode), {@code D} (disabled)
 * @param onUpdate whether it fires on {@code UPDATE}
 * @param updateColumns for {@code UPDATE OF a, b}, the columns; empty when any update fires it
 */
public record TriggerInfo(String name, String functionSchema, String function, String language, String body,
		List<String> arguments, char enabled, boolean onUpdate, List<String> updateColumns) {

	/** Per trigger, by name, the arguments given to its function. */
	public static Map<String, List<String>> argumentsByName(List<TriggerInfo> triggers) {
		Map<String, List<String>> arguments = new HashMap<>();
		for (TriggerInfo trigger : triggers) {
			arguments.put(trigger.name(), trigger.arguments());
		}
		return arguments;
	}

	/**
	 * Whether the trigger fires in a session whose {@code session_replication_role} is {@code replica}
	 * ({@code replica} true) or {@code origin}/{@code local} (false).
	 */
	public boolean firesIn(boolean replica) {
		return switch (this.enabled) {
			case 'A' -> true;
			case 'R' -> replica;
			case 'O' -> !replica;
			default -> false;
		};
	}

	/** How it is enabled, in the words of {@code ALTER TABLE ... ENABLE/DISABLE TRIGGER}. */
	public String enabledAs() {
		return switch (this.enabled) {
			case 'A' -> "ENABLE ALWAYS";
			case 'R' -> "ENABLE REPLICA";
			case 'D' -> "DISABLE";
			default -> "ENABLE";
		};
	}

}

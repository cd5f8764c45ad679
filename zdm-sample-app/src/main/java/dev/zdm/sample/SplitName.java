package dev.zdm.sample;

import java.util.HashMap;
import java.util.Map;

import dev.zdm.core.transform.RowTransform;

/**
 * The Java transform of {@code db/zdm-java/010-customers-split-name.yaml}: {@code name} splits at its first
 * space into {@code first_name} and {@code last_name} ("Ada King Lovelace" is Ada, King Lovelace; a name
 * without a space has no last name), and joins back for the way down. Stateless and deterministic, as zdm
 * needs: verification computes it again.
 */
class SplitName implements RowTransform {

	@Override
	public Map<String, Object> up(Map<String, Object> old) {
		String name = (String) old.get("name");
		Map<String, Object> split = new HashMap<>();
		if (name == null) {
			split.put("first_name", null);
			split.put("last_name", null);
			return split;
		}
		int space = name.indexOf(' ');
		String rest = (space < 0) ? "" : name.substring(space + 1);
		split.put("first_name", (space < 0) ? name : name.substring(0, space));
		split.put("last_name", rest.isEmpty() ? null : rest);
		return split;
	}

	@Override
	public Map<String, Object> down(Map<String, Object> current) {
		Object first = current.get("first_name");
		Object last = current.get("last_name");
		Map<String, Object> joined = new HashMap<>();
		joined.put("name", (first == null) ? null : (last == null) ? first : first + " " + last);
		return joined;
	}

}

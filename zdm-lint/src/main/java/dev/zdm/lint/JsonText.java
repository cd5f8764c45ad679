package dev.zdm.lint;

/**
 * The few bits of JSON the SARIF report needs, written by hand so that no JSON library (Jackson 3 in Boot 4)
 * leaks into zdm-core's API or class path.
 */
final class JsonText {

	private final StringBuilder out = new StringBuilder();

	private int depth;

	private boolean first = true;

	JsonText beginObject() {
		separator();
		this.out.append('{');
		this.depth++;
		this.first = true;
		return this;
	}

	JsonText endObject() {
		this.depth--;
		newline();
		this.out.append('}');
		this.first = false;
		return this;
	}

	JsonText beginArray() {
		separator();
		this.out.append('[');
		this.depth++;
		this.first = true;
		return this;
	}

	JsonText endArray() {
		this.depth--;
		newline();
		this.out.append(']');
		this.first = false;
		return this;
	}

	/** Writes a member name; the value follows with the next call. */
	JsonText name(String name) {
		separator();
		string(name);
		this.out.append(": ");
		this.first = true;
		this.suppressNewline = true;
		return this;
	}

	JsonText value(String value) {
		separator();
		if (value == null) {
			this.out.append("null");
		}
		else {
			string(value);
		}
		this.first = false;
		return this;
	}

	JsonText value(long value) {
		separator();
		this.out.append(value);
		this.first = false;
		return this;
	}

	JsonText member(String name, String value) {
		return name(name).value(value);
	}

	JsonText member(String name, long value) {
		return name(name).value(value);
	}

	private boolean suppressNewline;

	private void separator() {
		if (this.suppressNewline) {
			this.suppressNewline = false;
			return;
		}
		if (!this.first) {
			this.out.append(',');
		}
		if (this.depth > 0) {
			newline();
		}
	}

	private void newline() {
		this.out.append('\n');
		this.out.append("  ".repeat(Math.max(0, this.depth)));
	}

	private void string(String value) {
		this.out.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> this.out.append("\\\"");
				case '\\' -> this.out.append("\\\\");
				case '\n' -> this.out.append("\\n");
				case '\r' -> this.out.append("\\r");
				case '\t' -> this.out.append("\\t");
				default -> {
					if (c < 0x20) {
						this.out.append(String.format("\\u%04x", (int) c));
					}
					else {
						this.out.append(c);
					}
				}
			}
		}
		this.out.append('"');
	}

	@Override
	public String toString() {
		return this.out.toString();
	}

}

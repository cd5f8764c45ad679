package dev.zdm.core.plan;

/**
 * One thing wrong with a plan, located as precisely as it can be.
 *
 * @param source the plan file (or {@code java})
 * @param line 1-based line in the file, or 0 when unknown
 * @param column 1-based column in the file, or 0 when unknown
 * @param operation 1-based index of the operation, or 0 for the plan as a whole
 * @param kind the operation's kind ({@code renameColumn}), or {@code null}
 * @param message what is wrong and what to change
 */
public record PlanProblem(String source, int line, int column, int operation, String kind, String message) {

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder(this.source);
		if (this.line > 0) {
			text.append(':').append(this.line);
			if (this.column > 0) {
				text.append(':').append(this.column);
			}
		}
		text.append(": ");
		if (this.operation > 0) {
			text.append("operation ").append(this.operation);
			if (this.kind != null) {
				text.append(" (").append(this.kind).append(')');
			}
			text.append(": ");
		}
		return text.append(this.message).toString();
	}

}

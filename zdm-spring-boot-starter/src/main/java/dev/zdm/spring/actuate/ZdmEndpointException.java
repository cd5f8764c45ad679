package dev.zdm.spring.actuate;

import java.util.List;

import dev.zdm.spring.actuate.ZdmEndpoint.RefusalDescriptor;

/**
 * A request to the {@code zdm} endpoint that was refused: the migration is unknown (404), the action is
 * unknown (400), or the migration's state does not allow it (409). Over HTTP, the status and
 * {@link #refusal()} are the answer.
 */
public class ZdmEndpointException extends RuntimeException {

	private final RefusalDescriptor refusal;

	ZdmEndpointException(int status, String migration, String action, String message, List<String> validActions) {
		super(message);
		this.refusal = new RefusalDescriptor(status, reasonPhrase(status), message, migration, action, validActions);
	}

	/** The status and the reason, as the body of the answer. */
	public RefusalDescriptor refusal() {
		return this.refusal;
	}

	/** The HTTP status. */
	public int status() {
		return this.refusal.status();
	}

	private static String reasonPhrase(int status) {
		return switch (status) {
			case 400 -> "Bad Request";
			case 404 -> "Not Found";
			case 409 -> "Conflict";
			default -> "Error";
		};
	}

}

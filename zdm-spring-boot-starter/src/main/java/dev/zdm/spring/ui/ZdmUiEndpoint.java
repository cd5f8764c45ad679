package dev.zdm.spring.ui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.zdm.core.migration.Phase;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * The status page of zdm: one HTML document, its style and script inline, that reads the {@code zdm} endpoint
 * by a path relative to its own and draws every migration's phases, progress, throttle, gates, instances and
 * last events. Served at {@code /actuator/zdm-ui} ({@code zdm.ui.enabled=true} and exposed).
 * <p>
 * The id is {@code zdmui} because Boot warns about endpoint ids with a dash; {@link ZdmUiAutoConfiguration}
 * maps it to the path {@code zdm-ui}, and {@code zdm-ui} names it in the exposure and access properties too.
 */
@WebEndpoint(id = "zdmui", defaultAccess = Access.READ_ONLY)
public class ZdmUiEndpoint {

	private static final String RESOURCES = "/dev/zdm/spring/ui/";

	private final String template;

	private final Supplier<String> zdmPath;

	private volatile String page;

	/**
	 * @param properties the page's settings
	 * @param zdmPath the path of the {@code zdm} endpoint relative to this page's, resolved on the first request
	 */
	ZdmUiEndpoint(ZdmUiProperties properties, Supplier<String> zdmPath) {
		this.zdmPath = zdmPath;
		String style = resource("zdm-ui.css");
		String script = resource("zdm-ui.js");
		// The browser runs only this script and style, and talks only to this server.
		String policy = "default-src 'none'; script-src '" + sha256(script) + "'; style-src '" + sha256(style)
				+ "'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";
		this.template = resource("zdm-ui.html").replace("{{policy}}", policy)
			.replace("{{refreshMillis}}", Long.toString(Math.max(500, properties.getRefreshInterval().toMillis())))
			.replace("{{events}}", Integer.toString(Math.max(0, properties.getEvents())))
			.replace("{{phases}}", phases(false))
			.replace("{{otherPhases}}", phases(true))
			.replace("{{style}}", style)
			.replace("{{script}}", script);
	}

	/** The page. */
	@ReadOperation(produces = "text/html;charset=UTF-8")
	public String page() {
		String page = this.page;
		if (page == null) {
			page = this.template.replace("{{zdm}}", attribute(this.zdmPath.get()));
			this.page = page;
		}
		return page;
	}

	/** The phases of a migration's way to completion, or the others (rollback and undo), in order. */
	private static String phases(boolean others) {
		return Arrays.stream(Phase.values())
			.filter((phase) -> others == (phase.ordinal() > Phase.COMPLETED.ordinal()))
			.map(Phase::name)
			.collect(Collectors.joining(","));
	}

	private static String attribute(String value) {
		return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
	}

	private static String resource(String name) {
		try (InputStream in = ZdmUiEndpoint.class.getResourceAsStream(RESOURCES + name)) {
			if (in == null) {
				throw new IllegalStateException("The status page's " + name + " is missing from the class path ("
						+ RESOURCES + name + "): the zdm starter jar is incomplete");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not read the status page's " + name, ex);
		}
	}

	private static String sha256(String text) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return "sha256-" + Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

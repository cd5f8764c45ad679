package dev.zdm.spring.actuate;

import java.security.Principal;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@code zdm} endpoint over HTTP: a refused request answers its status (404 unknown migration, 400
 * unknown or missing action, 409 the migration's state does not allow it) with a body that says why,
 * whatever {@code server.error.include-message} says; an action started in the background (a backfill)
 * answers 202. The principal of the request, when there is one (Spring Security), is the actor the audit
 * log names.
 */
@EndpointWebExtension(endpoint = ZdmEndpoint.class)
public class ZdmEndpointWebExtension {

	/** The status of an action that left work running in the background. */
	static final int STATUS_ACCEPTED = 202;

	private final ZdmEndpoint delegate;

	public ZdmEndpointWebExtension(ZdmEndpoint delegate) {
		this.delegate = delegate;
	}

	@ReadOperation
	public WebEndpointResponse<Object> migration(@Selector String id) {
		try {
			return new WebEndpointResponse<>(this.delegate.migration(id));
		}
		catch (ZdmEndpointException ex) {
			return new WebEndpointResponse<>(ex.refusal(), ex.status());
		}
	}

	/**
	 * Acts on a migration: {@code POST /actuator/zdm/{id}} with {@code {"action": "pause", "reason": "..."}}.
	 */
	@WriteOperation
	public WebEndpointResponse<Object> act(@Selector String id, @Nullable String action, @Nullable String reason,
			@Nullable Principal principal) {
		try {
			ZdmEndpoint.MigrationDescriptor result = this.delegate.act(id, action, reason,
					(principal != null) ? principal.getName() : null);
			return new WebEndpointResponse<>(result,
					(result.started() != null) ? STATUS_ACCEPTED : WebEndpointResponse.STATUS_OK);
		}
		catch (ZdmEndpointException ex) {
			return new WebEndpointResponse<>(ex.refusal(), ex.status());
		}
	}

}

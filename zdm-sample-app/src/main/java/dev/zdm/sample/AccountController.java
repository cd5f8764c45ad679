package dev.zdm.sample;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /accounts/{id}}: an account with whatever columns its table has, to watch
 * {@code accounts.legacy_code} go at contract of {@code accounts-drop-legacy-code} and come back at undo.
 */
@RestController
class AccountController {

	private final JdbcClient jdbc;

	AccountController(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@GetMapping("/accounts/{id}")
	Map<String, Object> get(@PathVariable long id) {
		return this.jdbc.sql("SELECT * FROM accounts WHERE id = ?")
			.param(id)
			.query()
			.listOfRows()
			.stream()
			.findFirst()
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No account " + id));
	}

}

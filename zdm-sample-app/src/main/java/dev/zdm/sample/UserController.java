package dev.zdm.sample;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** {@code /users}: the same API in both code versions. */
@RestController
@RequestMapping("/users")
class UserController {

	private final Users users;

	UserController(Users users) {
		this.users = users;
	}

	record UserRequest(String email, String name) {
	}

	@GetMapping("/{id}")
	Users.User get(@PathVariable long id) {
		return this.users.find(id).orElseThrow(() -> notFound(id));
	}

	@GetMapping
	List<Users.User> list(@RequestParam(defaultValue = "20") int limit) {
		return this.users.list(Math.min(limit, 1000));
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Users.User create(@RequestBody UserRequest request) {
		return this.users.create(request.email(), request.name());
	}

	@PutMapping("/{id}")
	Users.User update(@PathVariable long id, @RequestBody UserRequest request) {
		if (!this.users.changeEmail(id, request.email())) {
			throw notFound(id);
		}
		return get(id);
	}

	private static ResponseStatusException notFound(long id) {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, "No user " + id);
	}

}

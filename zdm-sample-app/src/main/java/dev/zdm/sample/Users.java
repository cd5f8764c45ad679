package dev.zdm.sample;

import java.util.List;
import java.util.Optional;

/**
 * The application's users, whatever the code version: the old code keeps the address in {@code users.email},
 * the new code in {@code users.email_address} (migration {@code rename-users-email}). The API is the same.
 */
interface Users {

	/** A user as the API shows it. */
	record User(long id, String email, String name) {
	}

	/** The highest id (0 when empty). */
	long maxId();

	Optional<User> find(long id);

	List<User> list(int limit);

	User create(String email, String name);

	/** Whether the user exists (and now has this address). */
	boolean changeEmail(long id, String email);

}

package dev.zdm.spring.actuate;

import java.security.Principal;

import dev.zdm.testing.TestDatabase;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A web application with zdm, the actuator and Micrometer, for the tests over HTTP. Its filter stands in for
 * Spring Security: a request with an {@code X-User} header has that user as its principal
 * ({@code HttpServletRequest#getUserPrincipal}, which is what Spring Security's request wrapper provides and
 * what the actuator passes to an operation's {@code Principal} parameter).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class WebTestApplication {

	@Bean
	Filter principalFromHeader() {
		return (request, response, chain) -> {
			String user = ((HttpServletRequest) request).getHeader("X-User");
			if (user == null) {
				chain.doFilter(request, response);
				return;
			}
			Principal principal = () -> user;
			chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {

				@Override
				public Principal getUserPrincipal() {
					return principal;
				}

			}, response);
		};
	}

	/** A database of its own with the tables of {@code plans/web}. */
	static TestDatabase database() {
		TestDatabase db = TestDatabase.create();
		db.execute("CREATE TABLE users (id bigint PRIMARY KEY, email text)",
				"INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 20000) g",
				"CREATE TABLE accounts (id bigint PRIMARY KEY, email text)",
				"INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 50) g",
				"CREATE TABLE orders (id bigint PRIMARY KEY, note text)",
				"INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 10) g", "ANALYZE");
		return db;
	}

}

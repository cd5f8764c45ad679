package dev.zdm.sample;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A failed database call answers 500 with PostgreSQL's own reason in the body (old code after contract:
 * {@code column "email" does not exist}), not only Spring's wrapper message.
 */
@RestControllerAdvice
class SampleErrors {

	@ExceptionHandler(DataAccessException.class)
	ProblemDetail databaseError(DataAccessException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				ex.getMostSpecificCause().getMessage());
		problem.setTitle("Database error");
		return problem;
	}

}

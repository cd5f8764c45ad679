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

/** {@code /customers} and their orders. */
@RestController
@RequestMapping("/customers")
class CustomerController {

	private final Customers customers;

	private final Orders orders;

	CustomerController(Customers customers, Orders orders) {
		this.customers = customers;
		this.orders = orders;
	}

	record CustomerRequest(String email, String name) {
	}

	@GetMapping("/{id}")
	Customers.Customer get(@PathVariable long id) {
		return this.customers.find(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer " + id));
	}

	@GetMapping
	List<Customers.Customer> list(@RequestParam(defaultValue = "20") int limit) {
		return this.customers.list(Math.min(limit, 1000));
	}

	@GetMapping("/{id}/orders")
	List<Orders.Order> orders(@PathVariable long id, @RequestParam(defaultValue = "20") int limit) {
		return this.orders.ofCustomer(get(id).id(), Math.min(limit, 1000));
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Customers.Customer create(@RequestBody CustomerRequest request) {
		return this.customers.create(request.email(), request.name());
	}

	@PutMapping("/{id}")
	Customers.Customer update(@PathVariable long id, @RequestBody CustomerRequest request) {
		if (!this.customers.rename(id, request.name())) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer " + id);
		}
		return get(id);
	}

}

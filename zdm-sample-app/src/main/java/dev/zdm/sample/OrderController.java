package dev.zdm.sample;

import java.math.BigDecimal;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** {@code /orders}. */
@RestController
@RequestMapping("/orders")
class OrderController {

	private final Orders orders;

	OrderController(Orders orders) {
		this.orders = orders;
	}

	record OrderRequest(long customerId, BigDecimal total) {
	}

	@GetMapping("/{id}")
	Orders.Order get(@PathVariable long id) {
		return this.orders.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No order " + id));
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Orders.Order create(@RequestBody OrderRequest request) {
		return this.orders.create(request.customerId(), request.total());
	}

}

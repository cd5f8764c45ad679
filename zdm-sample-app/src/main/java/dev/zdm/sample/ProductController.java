package dev.zdm.sample;

import java.math.BigDecimal;
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

/** {@code /products}. */
@RestController
@RequestMapping("/products")
class ProductController {

	private final Products products;

	ProductController(Products products) {
		this.products = products;
	}

	record ProductRequest(String name, BigDecimal price) {
	}

	@GetMapping("/{id}")
	Products.Product get(@PathVariable long id) {
		return this.products.find(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No product " + id));
	}

	@GetMapping
	List<Products.Product> list(@RequestParam(defaultValue = "20") int limit) {
		return this.products.list(Math.min(limit, 1000));
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Products.Product create(@RequestBody ProductRequest request) {
		return this.products.create(request.name(), request.price());
	}

	@PutMapping("/{id}")
	Products.Product update(@PathVariable long id, @RequestBody ProductRequest request) {
		if (!this.products.changePrice(id, request.price())) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No product " + id);
		}
		return get(id);
	}

}

package dev.zdm.sample;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /traffic}: {@code GET} reports requests, failures (with the last error) and latency;
 * {@code POST /traffic/start} (optional {@code threads}, {@code rate}) and {@code POST /traffic/stop}.
 */
@RestController
@RequestMapping("/traffic")
class TrafficController {

	private final TrafficGenerator traffic;

	TrafficController(TrafficGenerator traffic) {
		this.traffic = traffic;
	}

	@GetMapping
	TrafficGenerator.Report report() {
		return this.traffic.report();
	}

	@PostMapping("/start")
	TrafficGenerator.Report start(@RequestParam(defaultValue = "0") int threads,
			@RequestParam(defaultValue = "-1") int rate) {
		return this.traffic.start(threads, rate);
	}

	@PostMapping("/stop")
	TrafficGenerator.Report stop() {
		return this.traffic.stop();
	}

}

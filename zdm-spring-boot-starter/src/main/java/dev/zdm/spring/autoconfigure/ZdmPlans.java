package dev.zdm.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.core.plan.PlanProblem;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * The plans found in {@code zdm.locations}, in file-name order.
 *
 * @param plans the plans
 */
public record ZdmPlans(List<Plan> plans) {

	/**
	 * Loads every {@code *.yaml} and {@code *.yml} file under the locations.
	 * @throws PlanException if a file does not parse, or two files declare the same id
	 */
	public static ZdmPlans load(ResourcePatternResolver resolver, List<String> locations) {
		PlanLoader loader = new PlanLoader();
		List<Plan> plans = new ArrayList<>();
		Map<String, String> sources = new HashMap<>();
		for (String location : locations) {
			String base = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
			List<Resource> resources = new ArrayList<>();
			for (String pattern : List.of("/**/*.yaml", "/**/*.yml")) {
				try {
					resources.addAll(List.of(resolver.getResources(base + pattern)));
				}
				catch (IOException ex) {
					// A location that does not exist holds no plans.
				}
			}
			resources.sort(Comparator.comparing(ZdmPlans::name));
			for (Resource resource : resources) {
				String source = source(base, resource);
				Plan plan;
				try (InputStream input = resource.getInputStream()) {
					plan = loader.load(new String(input.readAllBytes(), StandardCharsets.UTF_8), source);
				}
				catch (IOException ex) {
					throw new PlanException(null,
							List.of(new PlanProblem(source, 0, 0, 0, null, "cannot be read: " + ex.getMessage())));
				}
				String previous = sources.putIfAbsent(plan.id(), source);
				if (previous != null) {
					throw new PlanException(plan.id(), List.of(new PlanProblem(source, 0, 0, 0, null,
							"declares id " + plan.id() + ", which " + previous + " declares too: give each plan its own id")));
				}
				plans.add(plan);
			}
		}
		return new ZdmPlans(List.copyOf(plans));
	}

	private static String name(Resource resource) {
		String name = resource.getFilename();
		return (name != null) ? name : resource.getDescription();
	}

	/** The file's path from the location's directory on ({@code db/zdm/001-rename.yaml}). */
	private static String source(String location, Resource resource) {
		String directory = location.substring(location.indexOf(':') + 1).replaceFirst("^/+", "");
		try {
			String uri = resource.getURI().toString();
			int at = uri.lastIndexOf(directory + "/");
			if (!directory.isEmpty() && at >= 0) {
				return uri.substring(at);
			}
			return uri;
		}
		catch (IOException ex) {
			return resource.getDescription();
		}
	}

}

package dev.zdm.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The latency-over-time chart of {@link ZeroDowntimeBenchmark}, as SVG text (no library): one panel per
 * outcome, time in seconds from the migration's start on x, latency on a log scale on y; per 100 ms the
 * load's slowest and median transaction, the share of failed transactions as red bars along the bottom,
 * and the migration's steps as dashed lines.
 */
final class LatencyChart {

	private static final long BUCKET = 100_000_000L;

	private static final long SECOND = 1_000_000_000L;

	private static final int WIDTH = 960;

	private static final int PANEL = 245;

	private static final int LEFT = 70;

	private static final int RIGHT = 20;

	private static final int TOP = 50;

	private static final int PLOT = 160;

	private static final double MIN_MS = 0.1;

	private LatencyChart() {
	}

	static String svg(List<ZeroDowntimeBenchmark.Outcome> outcomes) {
		double max = outcomes.stream().mapToDouble(ZeroDowntimeBenchmark.Outcome::maxMs).max().orElse(1);
		double maxMs = Math.max(1000, Math.pow(10, Math.ceil(Math.log10(Math.max(max, 1)))));
		int height = TOP + outcomes.size() * PANEL + 10;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
						+ "font-family=\"sans-serif\" font-size=\"11\">%n",
				WIDTH, height, WIDTH, height));
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
		svg.append("<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">Load latency while users.email and "
				+ "users.balance change (per 100 ms: slowest and median transaction)</text>\n");
		legend(svg);
		for (int i = 0; i < outcomes.size(); i++) {
			panel(svg, outcomes.get(i), TOP + i * PANEL, maxMs);
		}
		svg.append("</svg>\n");
		return svg.toString();
	}

	private static void legend(StringBuilder svg) {
		int y = 36;
		svg.append(String.format(Locale.ROOT, "<line x1=\"10\" y1=\"%d\" x2=\"30\" y2=\"%d\" stroke=\"#1f4e99\" "
				+ "stroke-width=\"1.5\"/><text x=\"34\" y=\"%d\">slowest</text>%n", y - 4, y - 4, y));
		svg.append(String.format(Locale.ROOT, "<line x1=\"100\" y1=\"%d\" x2=\"120\" y2=\"%d\" stroke=\"#7fb2e5\" "
				+ "stroke-width=\"1.5\"/><text x=\"124\" y=\"%d\">median</text>%n", y - 4, y - 4, y));
		svg.append(String.format(Locale.ROOT, "<rect x=\"190\" y=\"%d\" width=\"12\" height=\"8\" fill=\"#d62728\"/>"
				+ "<text x=\"206\" y=\"%d\">failed transactions (share of the 100 ms)</text>%n", y - 8, y));
		svg.append(String.format(Locale.ROOT, "<line x1=\"460\" y1=\"%d\" x2=\"480\" y2=\"%d\" stroke=\"#ff7f0e\" "
				+ "stroke-dasharray=\"4 3\"/><text x=\"484\" y=\"%d\">250 ms (the target for C)</text>%n", y - 4, y - 4, y));
		svg.append(String.format(Locale.ROOT, "<line x1=\"660\" y1=\"%d\" x2=\"680\" y2=\"%d\" stroke=\"#666\" "
				+ "stroke-dasharray=\"2 2\"/><text x=\"684\" y=\"%d\">migration steps</text>%n", y - 4, y - 4, y));
	}

	private static void panel(StringBuilder svg, ZeroDowntimeBenchmark.Outcome outcome, int top, double maxMs) {
		long start = outcome.from() - 2 * SECOND;
		long end = outcome.to() + SECOND;
		int buckets = (int) ((end - start + BUCKET - 1) / BUCKET);
		double[] slowest = new double[buckets];
		int[] failed = new int[buckets];
		int[] counts = new int[buckets];
		double[][] all = new double[buckets][];
		Load.Transactions load = outcome.load();
		int[] sizes = new int[buckets];
		for (int i = 0; i < load.ends().length; i++) {
			long at = load.ends()[i];
			if (at >= start && at < end) {
				counts[(int) ((at - start) / BUCKET)]++;
			}
		}
		for (int b = 0; b < buckets; b++) {
			all[b] = new double[counts[b]];
		}
		for (int i = 0; i < load.ends().length; i++) {
			long at = load.ends()[i];
			if (at >= start && at < end) {
				int b = (int) ((at - start) / BUCKET);
				double ms = load.latencyMs(i);
				all[b][sizes[b]++] = ms;
				slowest[b] = Math.max(slowest[b], ms);
				if (load.failed(i)) {
					failed[b]++;
				}
			}
		}
		int plotTop = top + 28;
		int plotBottom = plotTop + PLOT;
		int plotWidth = WIDTH - LEFT - RIGHT;
		double seconds = (end - start) / (double) SECOND;
		svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
				top + 16, escape(outcome.name() + ". " + outcome.label() + " — " + outcome.failed()
						+ " failed, max " + format(outcome.maxMs()) + ", migration " + format(outcome.migrationMs()))));
		svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
				+ "stroke=\"#999\"/>%n", LEFT, plotTop, plotWidth, PLOT));
		// y axis: powers of ten
		for (double ms = MIN_MS; ms <= maxMs * 1.0001; ms *= 10) {
			double y = y(ms, maxMs, plotTop);
			svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
					+ "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y, LEFT + plotWidth, y, LEFT - 5, y + 4,
					format(ms)));
		}
		double target = y(250, maxMs, plotTop);
		svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ff7f0e\" "
				+ "stroke-dasharray=\"4 3\"/>%n", LEFT, target, LEFT + plotWidth, target));
		// x axis: seconds from the migration's start
		double step = tickStep(seconds);
		for (double s = Math.ceil(-2 / step) * step; s <= seconds - 2; s += step) {
			double x = LEFT + (s + 2) / seconds * plotWidth;
			svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>"
					+ "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s s</text>%n", x, plotBottom, x, plotBottom + 4, x,
					plotBottom + 16, String.format(Locale.ROOT, (step < 1) ? "%.1f" : "%.0f", (Math.abs(s) < 1e-9) ? 0.0 : s)));
		}
		// failures along the bottom
		double bucketWidth = (double) plotWidth / buckets;
		for (int b = 0; b < buckets; b++) {
			if (failed[b] > 0) {
				double h = 24.0 * failed[b] / counts[b];
				svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
						+ "fill=\"#d62728\"/>%n", LEFT + b * bucketWidth, plotBottom - h, Math.max(bucketWidth, 1), h));
			}
		}
		// the steps
		int row = 0;
		for (ZeroDowntimeBenchmark.Event event : outcome.events()) {
			double x = LEFT + (event.at() - start) / (double) SECOND / seconds * plotWidth;
			boolean right = x > LEFT + plotWidth * 0.8;
			svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#666\" "
					+ "stroke-dasharray=\"2 2\"/><text x=\"%.1f\" y=\"%d\" fill=\"#444\" text-anchor=\"%s\">%s</text>%n", x,
					plotTop, x, plotBottom, right ? x - 2 : x + 2, plotTop + 11 + (row++ % 6) * 11, right ? "end" : "start",
					escape(event.label())));
		}
		// latency lines
		// A 100 ms in which no transaction ended (all of them waiting) breaks the lines.
		StringBuilder slow = new StringBuilder();
		StringBuilder median = new StringBuilder();
		boolean drawing = false;
		for (int b = 0; b < buckets; b++) {
			if (counts[b] == 0) {
				drawing = false;
				continue;
			}
			double[] sorted = all[b];
			Arrays.sort(sorted);
			double x = LEFT + (b + 0.5) * bucketWidth;
			String command = drawing ? "L" : "M";
			slow.append(String.format(Locale.ROOT, "%s%.1f,%.1f ", command, x, y(slowest[b], maxMs, plotTop)));
			median.append(String.format(Locale.ROOT, "%s%.1f,%.1f ", command, x, y(sorted[sorted.length / 2], maxMs,
					plotTop)));
			drawing = true;
		}
		svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"#7fb2e5\" "
				+ "stroke-width=\"1.2\"/>%n", median.toString().trim()));
		svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"#1f4e99\" "
				+ "stroke-width=\"1.2\"/>%n", slow.toString().trim()));
		svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#444\">seconds from "
				+ "the migration's start</text>%n", LEFT + plotWidth, plotBottom + 30));
	}

	private static double y(double ms, double maxMs, int plotTop) {
		double clamped = Math.max(MIN_MS, Math.min(maxMs, ms));
		double fraction = (Math.log10(clamped) - Math.log10(MIN_MS)) / (Math.log10(maxMs) - Math.log10(MIN_MS));
		return plotTop + PLOT - fraction * PLOT;
	}

	private static double tickStep(double seconds) {
		for (double step : new double[] { 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300 }) {
			if (seconds / step <= 14) {
				return step;
			}
		}
		return 600;
	}

	private static String format(double ms) {
		if (ms >= 1000) {
			return String.format(Locale.ROOT, "%s s", trim(ms / 1000));
		}
		return String.format(Locale.ROOT, "%s ms", trim(ms));
	}

	private static String trim(double value) {
		if (value >= 100 || value == Math.rint(value)) {
			return String.format(Locale.ROOT, "%.0f", value);
		}
		return String.format(Locale.ROOT, (value >= 10) ? "%.1f" : "%.2f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

}

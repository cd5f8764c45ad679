
"use strict";
(function () {
	// Everything shown comes from the zdm endpoint's JSON and goes into the page as text, never as markup.
	var body = document.body;
	var zdm = body.dataset.zdm || "zdm";
	var refreshMillis = parseInt(body.dataset.refreshMillis, 10) || 2000;
	var eventCount = parseInt(body.dataset.events, 10);
	if (isNaN(eventCount)) { eventCount = 10; }
	var phases = (body.dataset.phases || "").split(",").filter(Boolean);
	var otherPhases = (body.dataset.otherPhases || "").split(",").filter(Boolean);
	var details = {};
	var detailProblems = {};
	var numbers = new Intl.NumberFormat();

	function el(tag, className, text) {
		var node = document.createElement(tag);
		if (className) { node.className = className; }
		if (text !== undefined && text !== null) { node.textContent = String(text); }
		return node;
	}

	function has(object, key) {
		return object !== null && typeof object === "object" && Object.prototype.hasOwnProperty.call(object, key);
	}

	function text(value) {
		if (value === null || value === undefined) { return "\u2014"; }
		if (typeof value === "object") { return JSON.stringify(value); }
		return String(value);
	}

	function time(value) {
		if (!value) { return ""; }
		var date = new Date(value);
		return isNaN(date.getTime()) ? String(value) : date.toLocaleTimeString();
	}

	function dateTime(value) {
		if (!value) { return ""; }
		var date = new Date(value);
		if (isNaN(date.getTime())) { return String(value); }
		return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : date.toLocaleString();
	}

	// "PT1H2M3.5S" -> "1h 2m 4s"
	function duration(iso) {
		if (!iso) { return null; }
		var match = /^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(iso);
		if (!match) { return iso; }
		var parts = [];
		if (match[1]) { parts.push(match[1] + "d"); }
		if (match[2]) { parts.push(match[2] + "h"); }
		if (match[3]) { parts.push(match[3] + "m"); }
		if (match[4] || parts.length === 0) { parts.push(Math.ceil(parseFloat(match[4] || "0")) + "s"); }
		return parts.join(" ");
	}

	function inProgress(phase) {
		return /ING$/.test(phase || "");
	}

	function final(phase) {
		var last = phases[phases.length - 1];
		return phase === last || (otherPhases.indexOf(phase) >= 0 && !inProgress(phase));
	}

	function badgeClass(migration) {
		if (migration.error) { return "failed"; }
		if (otherPhases.indexOf(migration.phase) >= 0) { return "back"; }
		if (inProgress(migration.phase)) { return "running"; }
		if (migration.phase === phases[phases.length - 1]) { return "done"; }
		return "waiting";
	}

	function reachedAt(events, phase) {
		var at = null;
		(events || []).forEach(function (event) {
			if (event.toPhase === phase) { at = event.at; }
		});
		return at;
	}

	function timeline(migration, events) {
		var list = el("ol", "timeline");
		list.setAttribute("aria-label", "phases");
		var phase = migration.phase;
		var index = phases.indexOf(phase);
		var steps = phases.slice();
		var other = [];
		var furthest = index;
		if (index < 0) {
			// Rolling back or undoing: the way it went, then the branch it took.
			var pairStart = otherPhases.indexOf(phase) - (inProgress(phase) ? 0 : 1);
			other = otherPhases.slice(Math.max(0, pairStart), Math.max(0, pairStart) + 2);
			furthest = -1;
			phases.forEach(function (each, i) {
				if (reachedAt(events, each)) { furthest = i; }
			});
		}
		steps.forEach(function (step, i) {
			var item = el("li", null, step);
			if (index >= 0) {
				item.className = i < index ? "done" : (i === index ? "current" : "todo");
				if (i === index && inProgress(step)) { item.className += " running"; }
			}
			else {
				item.className = i <= furthest ? "done skipped" : "todo skipped";
			}
			var at = reachedAt(events, step);
			if (at && (index < 0 || i <= index)) { item.appendChild(el("span", "at", time(at))); }
			item.dataset.phase = step;
			list.appendChild(item);
		});
		other.forEach(function (step) {
			var item = el("li", "other " + (step === phase ? "current" + (inProgress(step) ? " running" : "") : "done"), step);
			var at = reachedAt(events, step);
			if (at) { item.appendChild(el("span", "at", time(at))); }
			item.dataset.phase = step;
			list.appendChild(item);
		});
		return list;
	}

	function progress(migration, eventList) {
		var backfill = migration.backfill;
		var box = el("div", "progress");
		box.appendChild(el("h3", null, "Backfill"));
		if (!backfill) {
			box.appendChild(el("p", "none", "No backfill reported."));
			return box;
		}
		var done = Number(backfill.rowsDone) || 0;
		var total = Number(backfill.rowsTotal) || 0;
		var fraction = total > 0 ? Math.min(1, done / total) : (phases.indexOf(migration.phase) > phases.indexOf("BACKFILLING") ? 1 : 0);
		var bar = el("div", "bar" + (fraction >= 1 ? " complete" : ""));
		bar.setAttribute("role", "progressbar");
		bar.setAttribute("aria-valuemin", "0");
		bar.setAttribute("aria-valuemax", String(total));
		bar.setAttribute("aria-valuenow", String(done));
		bar.dataset.rowsDone = String(done);
		bar.dataset.rowsTotal = String(total);
		var fill = el("div");
		fill.style.width = (fraction * 100).toFixed(1) + "%";
		bar.appendChild(fill);
		box.appendChild(bar);

		var figures = el("div", "figures");
		function figure(label, value, key) {
			var span = el("span", key ? "figure-" + key : null);
			span.appendChild(document.createTextNode(label + " "));
			span.appendChild(el("b", null, value));
			figures.appendChild(span);
		}
		// The total is the planner's estimate of the table's rows.
		figure("rows", numbers.format(done) + " / ~" + numbers.format(total), "rows");
		figure("done", (fraction * 100).toFixed(1) + "%", "percent");
		if (has(backfill, "rowsPerSecond")) { figure("rate", numbers.format(Math.round(backfill.rowsPerSecond)) + " rows/s", "rate"); }
		if (backfill.eta) { figure("ETA", duration(backfill.eta), "eta"); }
		if (has(backfill, "ranges")) { figure("ranges", (backfill.rangesDone || 0) + " / " + backfill.ranges + " done", "ranges"); }
		if (has(backfill, "batchSize") && backfill.batchSize) { figure("batch", numbers.format(backfill.batchSize) + " rows", "batch"); }
		if (has(backfill, "state") && backfill.state) { figure("state", backfill.state, "state"); }
		box.appendChild(figures);

		var current = throttleOf(migration, backfill, eventList);
		if (current) {
			var stopped = /STOP|PAUSE/i.test(current.state || "");
			var throttle = el("div", "throttle" + (current.state ? (stopped ? " stopped" : " active") : ""));
			throttle.appendChild(document.createTextNode("Throttle: "));
			throttle.appendChild(el("span", "state", current.state || "not throttled"));
			if (current.state && current.reason) { throttle.appendChild(document.createTextNode(" \u2014 " + current.reason)); }
			throttle.dataset.throttle = current.state || "none";
			box.appendChild(throttle);
		}
		return box;
	}

	// The endpoint's throttle and reason when it gives them; otherwise the signals the audit log shows firing
	// ("<signal> (<STATE>): <reason>") and not cleared since ("<signal> cleared ...").
	function throttleOf(migration, backfill, eventList) {
		if (has(backfill, "throttle") || has(backfill, "throttleReason")) {
			return { state: backfill.throttle, reason: backfill.throttleReason };
		}
		if (!eventList || migration.phase !== "BACKFILLING") { return null; }
		var active = {};
		var order = [];
		eventList.forEach(function (event) {
			var detail = event.detail || "";
			if (event.action === "throttle") {
				var match = /^(\S+) \(([A-Z_]+)\): ([\s\S]*)$/.exec(detail);
				if (match) {
					active[match[1]] = { state: match[2], reason: match[3] };
					order.push(match[1]);
				}
			}
			else if (event.action === "throttle-cleared") {
				delete active[detail.split(" ")[0]];
			}
			else if (event.toPhase === "BACKFILLING") {
				active = {};
			}
		});
		var signals = order.filter(function (signal, i) { return active[signal] && order.lastIndexOf(signal) === i; });
		if (!signals.length) { return { state: null, reason: null }; }
		return {
			state: signals.map(function (signal) { return active[signal].state; }).filter(function (state, i, all) {
				return all.indexOf(state) === i;
			}).join(", "),
			reason: signals.map(function (signal) { return active[signal].reason; }).join("; ")
		};
	}

	// Gates come as {"switch": "open: ..."}, as {"switch": {open, reason, blockers}} or as a list of
	// {name, open or state, reason, blockers}: draw any of them.
	function gateEntry(name, gate) {
		if (!gate || typeof gate !== "object") { return [name, text(gate), null]; }
		var open = has(gate, "open") ? Boolean(gate.open) : null;
		var reason = open === null ? "" : (open ? "open" : "closed");
		if (typeof gate.state === "string") {
			// The zdm endpoint's gates: open, blocked (an instance is not ready), closed (phase) or passed.
			open = gate.state === "open" || gate.state === "passed";
			reason = gate.state;
		}
		if (gate.reason) { reason += (reason ? ": " : "") + gate.reason; }
		if (Array.isArray(gate.blockers) && gate.blockers.length) {
			reason += " (waiting for " + gate.blockers.map(function (b) { return b && b.id ? b.id : text(b); }).join(", ") + ")";
		}
		return [gate.name || name, reason || text(gate), open];
	}

	function gates(migration) {
		var box = el("div", "gates-box");
		box.appendChild(el("h3", null, "Gates"));
		var value = migration.gates;
		var entries = [];
		if (Array.isArray(value)) {
			value.forEach(function (gate) { entries.push(gateEntry("gate", gate)); });
		}
		else if (value && typeof value === "object") {
			Object.keys(value).forEach(function (name) { entries.push(gateEntry(name, value[name])); });
		}
		if (!entries.length) {
			box.appendChild(el("p", "none", "No gates reported."));
			return box;
		}
		var list = el("dl", "gates");
		entries.forEach(function (entry) {
			list.appendChild(el("dt", null, entry[0]));
			var open = entry[2] !== null ? entry[2] : /^open/i.test(entry[1]) ? true : /^closed/i.test(entry[1]) ? false : null;
			list.appendChild(el("dd", open === true ? "open" : open === false ? "closed" : null, entry[1]));
		});
		box.appendChild(list);
		return box;
	}

	function table(rows, columns) {
		var result = el("table");
		var head = el("tr");
		columns.forEach(function (column) { head.appendChild(el("th", null, column.label)); });
		var thead = el("thead");
		thead.appendChild(head);
		result.appendChild(thead);
		var tbody = el("tbody");
		rows.forEach(function (row) {
			var tr = el("tr");
			columns.forEach(function (column) {
				tr.appendChild(el("td", column.className || null, column.value(row)));
			});
			tbody.appendChild(tr);
		});
		result.appendChild(tbody);
		return result;
	}

	function events(migration, list) {
		var box = el("div", "events");
		box.appendChild(el("h3", null, "Last events"));
		if (!list) {
			var problem = detailProblems[migration.id];
			box.appendChild(problem ? el("p", "problem", "Events could not be read: " + problem) : el("p", "none", "Loading\u2026"));
			return box;
		}
		var last = list.slice(Math.max(0, list.length - eventCount)).reverse();
		if (!last.length) {
			box.appendChild(el("p", "none", "No events yet."));
			return box;
		}
		box.appendChild(table(last, [
			{ label: "at", className: "time", value: function (e) { return dateTime(e.at); } },
			{ label: "action", className: "nowrap", value: function (e) { return e.action; } },
			{ label: "phase", value: function (e) { return (e.fromPhase || "") + (e.toPhase ? " \u2192 " + e.toPhase : ""); } },
			{ label: "by", className: "nowrap", value: function (e) { return e.actor || ""; } },
			{ label: "detail", value: function (e) { return e.detail || ""; } }
		]));
		return box;
	}

	// Instances come with whatever fields the endpoint gives them: show every field of the first one.
	function instancesTable(instances) {
		var keys = [];
		instances.forEach(function (instance) {
			Object.keys(instance || {}).forEach(function (key) { if (keys.indexOf(key) < 0) { keys.push(key); } });
		});
		return table(instances, keys.map(function (key) {
			return {
				label: key,
				className: /At$|Seen$|^at$/.test(key) ? "time" : null,
				value: function (instance) {
					var value = instance ? instance[key] : null;
					return /At$|Seen$|^at$/.test(key) && typeof value === "string" ? dateTime(value) : text(value);
				}
			};
		}));
	}

	function migrationCard(migration) {
		var detail = details[migration.id];
		var eventList = detail ? detail.events : migration.events;
		var card = el("section", "migration");
		card.dataset.migrationId = migration.id;
		card.dataset.phase = migration.phase;
		var head = el("div", "migration-head");
		head.appendChild(el("h2", null, migration.id));
		var badge = el("span", "badge phase " + badgeClass(migration), migration.phase);
		head.appendChild(badge);
		if (migration.description) { head.appendChild(el("span", "description", migration.description)); }
		if (migration.updatedAt) { head.appendChild(el("span", "description", "updated " + dateTime(migration.updatedAt))); }
		card.appendChild(head);
		if (migration.error) { card.appendChild(el("div", "error", migration.error)); }
		card.appendChild(timeline(migration, eventList));
		var grid = el("div", "grid");
		var left = el("div");
		left.appendChild(progress(migration, eventList));
		left.appendChild(gates(migration));
		var instances = migration.instances || (detail && detail.instances);
		if (Array.isArray(instances)) {
			left.appendChild(el("h3", null, "Instances"));
			left.appendChild(instances.length ? instancesTable(instances) : el("p", "none", "No live instance."));
		}
		grid.appendChild(left);
		grid.appendChild(events(migration, eventList));
		card.appendChild(grid);
		return card;
	}

	function showInstances(list) {
		var panel = document.getElementById("instances");
		var instances = list && (Array.isArray(list.instances) ? list.instances
				: (list.instances && Array.isArray(list.instances.live) ? list.instances.live : null));
		if (!instances) {
			panel.hidden = true;
			return;
		}
		panel.replaceChildren(el("h3", null, "Live instances (" + instances.length + ")"),
				instances.length ? instancesTable(instances) : el("p", "none", "No live instance."));
		panel.hidden = false;
	}

	function status(message, problem) {
		var node = document.getElementById("status");
		node.textContent = message;
		node.className = "status" + (problem ? " problem" : "");
	}

	function read(path) {
		return fetch(path, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
			.then(function (response) {
				if (!response.ok) {
					return response.text().then(function (body) {
						var reason = body;
						try { var json = JSON.parse(body); reason = json.message || json.error || body; } catch (ignored) { /* text */ }
						var error = new Error(path + " answered " + response.status + (reason ? ": " + reason : ""));
						error.status = response.status;
						throw error;
					});
				}
				return response.json();
			});
	}

	function render(list) {
		var migrations = (list && list.migrations) || [];
		var main = document.getElementById("migrations");
		showInstances(list);
		if (!migrations.length) {
			main.replaceChildren(el("p", "none", "No migration is registered: zdm found no plan."));
			return;
		}
		main.replaceChildren.apply(main, migrations.map(migrationCard));
	}

	// A finished migration's details are read once; a running one's every time.
	function refreshDetails(migrations) {
		return Promise.all(migrations.map(function (migration) {
			var known = details[migration.id];
			if (known && final(migration.phase) && known.phase === migration.phase && known.updatedAt === migration.updatedAt) {
				return null;
			}
			return read(zdm + "/" + encodeURIComponent(migration.id))
				.then(function (detail) {
					details[migration.id] = detail;
					delete detailProblems[migration.id];
				})
				.catch(function (error) { detailProblems[migration.id] = error.message; });
		}));
	}

	var last = null;

	function refresh() {
		return read(zdm)
			.then(function (list) {
				last = list;
				render(list);
				return refreshDetails((list && list.migrations) || []).then(function () {
					render(list);
					status("Updated " + new Date().toLocaleTimeString() + " \u00b7 every " + (refreshMillis / 1000) + " s", false);
				});
			})
			.catch(function (error) {
				var hint = error.status === 404
					? " \u2014 is the zdm endpoint exposed? management.endpoints.web.exposure.include=zdm,zdm-ui"
					: "";
				status("Cannot read the zdm endpoint (" + zdm + "): " + error.message + hint
						+ (last ? " \u00b7 showing the last answer" : ""), true);
			})
			.then(function () { window.setTimeout(refresh, refreshMillis); });
	}

	refresh();
})();

# The benchmark's report, from runs.tsv then progs.tsv (see bench.sh).
# Medians over repetitions; a ratio is the median of the per-repetition ratios
# (each repetition runs the conditions side by side), so drift cancels out.
# POSIX awk (Debian's mawk): no asort, so a small insertion sort.

function median(arr, n,    i, j, x, s) {
	if (n == 0)
		return "";
	for (i = 1; i <= n; i++)
		s[i] = arr[i] + 0;
	for (i = 2; i <= n; i++) {
		x = s[i];
		for (j = i - 1; j >= 1 && s[j] > x; j--)
			s[j + 1] = s[j];
		s[j + 1] = x;
	}
	return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2;
}

function floor_of(c) {
	if (c == "summary")
		return floor_summary;
	if (c == "filtered")
		return floor_filtered;
	return "floor";
}

# median over repetitions of t[cond] / t[base], for one workload
function ratio(w, c, base,    r, n, v) {
	n = 0;
	for (r = 1; r <= maxrep; r++)
		if ((r, w, c) in t && (r, w, base) in t && t[r, w, base] > 0)
			v[++n] = t[r, w, c] / t[r, w, base];
	return median(v, n);
}

# "min-max" of the per-repetition ratios: how far the repetitions disagree
function ratio_range(w, c, base,    r, lo, hi, v) {
	lo = hi = "";
	for (r = 1; r <= maxrep; r++)
		if ((r, w, c) in t && (r, w, base) in t && t[r, w, base] > 0) {
			v = t[r, w, c] / t[r, w, base];
			if (lo == "" || v < lo) lo = v;
			if (hi == "" || v > hi) hi = v;
		}
	return lo == "" ? "" : sprintf("%.2f-%.2f", lo, hi);
}

function med(w, c, what,    n, i, v) {
	n = cnt[what, w, c] + 0;
	for (i = 1; i <= n; i++)
		v[i] = val[what, w, c, i];
	return median(v, n);
}

function add(what, w, c, x) {
	val[what, w, c, ++cnt[what, w, c]] = x;
}

function fmt_ratio(x) { return x == "" ? "-" : sprintf("%.3f", x); }

function human(x) {
	if (x == "")
		return "-";
	if (x >= 1e6)
		return sprintf("%.2fM", x / 1e6);
	if (x >= 1e3)
		return sprintf("%.1fk", x / 1e3);
	return sprintf("%.0f", x);
}

function budget(name, w, c, base, limit,    value, ok) {
	value = ratio(w, c, base);
	if (value == "") {
		printf "  n/a   %-58s (not measured)\n", name;
		return;
	}
	ok = value <= limit;
	printf "  %-5s %-58s %.3f (limit %.2f; repetitions %s)\n", ok ? "PASS" : "MISS", name, value,
		limit, ratio_range(w, c, base);
}

function is_in(list, x) { return index(" " list " ", " " x " ") > 0; }

FNR == 1 { file++; next }

file == 1 {
	# pass rep workload cond iters ns_per_op elapsed_ns events lost unpaired cpu_ns rss_kb hwm_kb foreign
	if ($6 == "NA")
		next;
	w = $3; c = $4;
	if ($9 != "NA") {
		lost[w, c] += $9;
		lostknown[w, c] = 1;
	}
	lostruns[w, c]++;
	if ($10 != "NA")
		unpaired[w, c] += $10;
	if ($14 != "?" && $14 > 0)
		foreign++;
	total++;
	if ($1 == "stats") {
		# fresh tracer, statistics on: events per workload and CPU per event
		if ($8 != "NA" && $7 > 0)
			add("evs", w, c, $8 / ($7 / 1e9));
		if ($8 != "NA" && $8 > 0 && $11 != "NA")
			add("cpu", w, c, $11 / $8);
		next;
	}
	if (!(w in wseen)) { wseen[w] = 1; wl0[++nw] = w; }
	if (!(c in cseen)) { cseen[c] = 1; cond0[++nc] = c; }
	if ($2 > maxrep)
		maxrep = $2;
	t[$2, w, c] = $6;
	add("ns", w, c, $6);
	runs[w, c]++;
	if (c == "strace" && $8 != "NA" && $7 > 0)
		add("evs", w, c, $8 / ($7 / 1e9));
	if ($11 != "NA" && $5 > 0)
		add("cpuop", w, c, $11 / $5);
	if ($12 != "NA" && $12 > rss[w, c])
		rss[w, c] = $12;
	if ($12 != "NA" && $12 > 0 && (minrss == "" || $12 < minrss) && c == "json")
		minrss = $12;
	if ($12 != "NA" && $12 > maxrss && c == "json")
		maxrss = $12;
	next;
}

file == 3 {
	# pass rep cond records lost unpaired: ipcsnoop's own totals at exit
	if ($4 != "NA") {
		xruns[$3]++;
		xrecords[$3] += $4;
		xlost[$3] += $5;
		xunpaired[$3] += $6;
	}
	next;
}

file == 2 {
	# workload cond program run_cnt run_time_ns iters
	w = $1; c = $2; p = $3;
	if (!((c, p) in pseen)) { pseen[c, p] = 1; prog[c, ++np[c]] = p; }
	if (!(c in pcseen)) { pcseen[c] = 1; pcond[++npc] = c; }
	pcnt[w, c, p] += $4;
	pns[w, c, p] += $5;
	piters[w, c] = $6;
	bpfns[w, c] += $5;
	next;
}

# the rows in the order given (-v wlorder, condorder), then any others as they came
function order(given, seen, first, out, n,    k, m, i, x, used) {
	m = split(given, x, " ");
	k = 0;
	for (i = 1; i <= m; i++)
		if (x[i] in seen) { out[++k] = x[i]; used[x[i]] = 1; }
	for (i = 1; i <= n; i++)
		if (!(first[i] in used))
			out[++k] = first[i];
}

# -v markdown=1: only a Markdown table for the README (ns/op untraced, then
# the floor over untraced, the others over the floor they are compared with)
function markdown_table(    i, j, w, c, h) {
	h = "| workload | untraced ns/op |";
	for (j = 1; j <= nc; j++)
		if (cond[j] != "untraced")
			h = h " " cond[j] (cond[j] ~ /^floor/ ? " / untraced" : " / floor") " |";
	print h;
	h = "|---|---:|";
	for (j = 2; j <= nc; j++)
		h = h "---:|";
	print h;
	for (i = 1; i <= nw; i++) {
		w = wl[i];
		h = sprintf("| %s | %.0f |", w, med(w, "untraced", "ns"));
		for (j = 1; j <= nc; j++) {
			c = cond[j];
			if (c == "untraced")
				continue;
			h = h " " fmt_ratio(ratio(w, c, c ~ /^floor/ ? "untraced" : floor_of(c))) " |";
		}
		print h;
	}
}

END {
	order(wlorder, wseen, wl0, wl, nw);
	order(condorder, cseen, cond0, cond, nc);
	if (markdown) {
		markdown_table();
		exit;
	}
	printf "\n%-15s %-9s %10s %8s %8s %9s %5s %9s %8s %6s\n", "workload", "condition", "ns/op",
		"x untr.", "x floor", "events/s", "lost", "cpu/event", "cpu/op", "RSS";
	for (i = 1; i <= nw; i++) {
		w = wl[i];
		for (j = 1; j <= nc; j++) {
			c = cond[j];
			if (!((w, c) in runs))
				continue;
			fl = floor_of(c);
			printf "%-15s %-9s %10.1f %8s %8s %9s %5s %9s %8s %6s\n", j == 1 ? w : "", c,
				med(w, c, "ns"),
				c == "untraced" ? "1" : fmt_ratio(ratio(w, c, "untraced")),
				c == "untraced" || c ~ /^floor/ ? "-" : fmt_ratio(ratio(w, c, fl)),
				human(med(w, c, "evs")),
				(w, c) in lostknown ? lost[w, c] : "-",
				cnt["cpu", w, c] ? sprintf("%.0fns", med(w, c, "cpu")) : "-",
				cnt["cpuop", w, c] ? sprintf("%.0fns", med(w, c, "cpuop")) : "-",
				rss[w, c] ? sprintf("%.1fM", rss[w, c] / 1024) : "-";
		}
	}
	print "\nns/op, cpu/op: medians over repetitions; x untr./x floor: median of the per-repetition";
	print "ratios (each repetition runs all conditions); cpu/op: the tracer's own CPU time";
	print "(schedstat) while the workload ran, per operation; RSS: the tracer's, at the end.";
	print "events/s, cpu/event: from the statistics pass (a fresh ipcsnoop per workload): its";
	print "records (-v) per second of the workload and its CPU time per record; bpftrace: probe";
	print "hits; strace: output lines. lost: records dropped (ring buffer full) in all runs.";
	for (j = 1; j <= nc; j++)
		if (xruns[cond[j]])
			printf "ipcsnoop %s at exit, %d runs of all workloads: %d records, %d lost, %d unpaired\n",
				cond[j], xruns[cond[j]], xrecords[cond[j]], xlost[cond[j]], xunpaired[cond[j]];
	if (foreign)
		printf "WARNING: other tracing BPF programs were loaded during %d of %d runs (other tools or tests):\nthese numbers are disturbed.\n", foreign, total;

	print "\nBudget (2-core machine, ratios side by side; for the noise, compare floor/untraced";
	print "on workloads whose tracepoints ipcsnoop does not attach: it should be 1):";
	for (i = 1; i <= nw; i++)
		if (is_in(nonipc, wl[i]))
			budget("non-IPC " wl[i] ", ipcsnoop whole machine / floor", wl[i], "json", "floor", 1.10);
	for (i = 1; i <= nw; i++)
		if (is_in(pingpong, wl[i])) {
			budget(wl[i] " streaming JSON / floor", wl[i], "json", "floor", 1.5);
			budget(wl[i] " -s / floor", wl[i], "summary", floor_summary, 1.15);
		}
	for (i = 1; i <= nw; i++)
		budget(wl[i] " filtered to an unrelated pid / floor", wl[i], "filtered", floor_filtered, 1.05);
	for (i = 1; i <= nw; i++) {
		w = wl[i];
		if (!is_in(pingpong, w))
			continue;
		n = 0; l = 0; known = 0;
		for (j = 1; j <= nc; j++) {
			c = cond[j];
			if (c != "json" && c != "summary" && c != "filtered")
				continue;
			n += lostruns[w, c];
			if ((w, c) in lostknown) {
				known = 1;
				l += lost[w, c];
			}
		}
		if (!known)
			printf "  n/a   %-58s (not measured)\n", "zero lost, " w;
		else
			printf "  %-5s %-58s %d lost in %d runs\n", l ? "MISS" : "PASS", "zero lost, " w " (default ring buffer)", l, n;
	}
	for (i = 1; i <= nw; i++) {
		w = wl[i];
		r = ratio(w, "json", "bpftrace");
		if (r == "") {
			printf "  n/a   %-58s (not measured)\n", "faster than bpftrace, " w;
			continue;
		}
		rs = ratio(w, "summary", "bpftrace");
		printf "  %-5s %-58s %.3f (limit < 1; repetitions %s; -s: %s)\n", (r < 1 ? "PASS" : "MISS"),
			"faster than bpftrace, " w " (JSON / bpftrace)", r, ratio_range(w, "json", "bpftrace"),
			fmt_ratio(rs);
	}
	rsstxt = "-";
	if (minrss != "")
		rsstxt = sprintf("%.1f-%.1f MiB (flat after 10M events: make bench BENCH_LONG=1)",
			minrss / 1024, maxrss / 1024);
	printf "  info  %-58s %s\n", "ipcsnoop RSS over the streaming runs", rsstxt;

	if (!npc)
		exit;
	print "\nBPF programs, from kernel.bpf_stats_enabled (one extra pass, not in the timings):";
	print "ns per call, and calls per operation; last row per condition: BPF ns per operation.";
	for (k = 1; k <= npc; k++) {
		c = pcond[k];
		printf "\n%-24s", c;
		for (i = 1; i <= nw; i++)
			printf " %14s", wl[i];
		printf "\n";
		for (q = 1; q <= np[c]; q++) {
			p = prog[c, q];
			any = 0;
			for (i = 1; i <= nw; i++)
				if (pcnt[wl[i], c, p] > 0)
					any = 1;
			if (!any)
				continue;
			printf "%-24s", substr(p, 1, 24);
			for (i = 1; i <= nw; i++) {
				w = wl[i];
				if (pcnt[w, c, p] > 0 && piters[w, c] > 0)
					printf " %14s", sprintf("%.0f x%.3g", pns[w, c, p] / pcnt[w, c, p],
						pcnt[w, c, p] / piters[w, c]);
				else
					printf " %14s", "-";
			}
			printf "\n";
		}
		printf "%-24s", "  BPF ns/op";
		for (i = 1; i <= nw; i++)
			printf " %14s", (piters[wl[i], c] > 0 ? sprintf("%.1f", bpfns[wl[i], c] / piters[wl[i], c]) : "-");
		printf "\n";
	}
}

# The report of one guest's bench (tests/kernels/bench.sh), from its
# console's "@@bench" lines (tests/bench/guest.sh). A ratio is the median of
# the per-repetition ratios (each repetition runs the conditions side by
# side), as in tests/bench/report.awk; TCG distorts absolute times, so no
# ns/op are printed. -v title=... ; -v markdown=1: Markdown rows
# "| kernel | backend | workload | ... |" only (-v kernel=, backend=).
# POSIX awk (mawk): no asort.

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

# median over repetitions of t[c] / t[base], for workload w ("" if none)
function ratio(w, c, base,    r, n, v) {
	n = 0;
	for (r = 1; r <= maxrep; r++)
		if ((r, w, c) in t && (r, w, base) in t && t[r, w, base] > 0)
			v[++n] = t[r, w, c] / t[r, w, base];
	return median(v, n);
}

function range(w, c, base,    r, lo, hi, v) {
	lo = hi = "";
	for (r = 1; r <= maxrep; r++)
		if ((r, w, c) in t && (r, w, base) in t && t[r, w, base] > 0) {
			v = t[r, w, c] / t[r, w, base];
			if (lo == "" || v < lo) lo = v;
			if (hi == "" || v > hi) hi = v;
		}
	return lo == "" ? "-" : sprintf("%.2f-%.2f", lo, hi);
}

function f(x) { return x == "" ? "-" : sprintf("%.2f", x); }

{ sub(/\r$/, ""); }
$1 != "@@bench" { next; }
$2 == "start" {
	start = $0;
	sub(/^@@bench start /, "", start);
	# the workloads in the order given (the runs rotate it)
	for (i = 3; i <= NF; i++)
		if ($i ~ /^workloads=/)
			nw = split(substr($i, 11), wl, ",");
	for (i = 1; i <= nw; i++)
		wseen[wl[i]] = 1;
	next;
}
$2 == "note" {
	x = substr($0, length("@@bench note ") + 1);
	if (x ~ /^repetition [0-9]+ done/)
		next;   # progress
	if (!(x in noteseen)) { noteseen[x] = 1; notes[++nn] = x; }
	next;
}
$2 == "end" { secs = $3; next; }
$2 == "block" {
	# block REP COND RECORDS LOST
	if ($5 != "NA") { records[$4] += $5; blocks[$4]++; }
	lost[$4] += $6;
	next;
}
$2 == "run" && $7 != "NA" {
	# run REP WORKLOAD COND NS
	r = $3; w = $4; c = $5;
	if (r > maxrep) maxrep = r;
	if (!(w in wseen)) { wseen[w] = 1; wl[++nw] = w; }
	cseen[c] = 1;
	t[r, w, c] = $6;
	next;
}

END {
	fl = ("floor" in cseen);
	fls = ("floor-s" in cseen) ? "floor-s" : "floor";
	if (markdown) {
		for (i = 1; i <= nw; i++) {
			w = wl[i];
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", kernel, backend, w,
				fl ? f(ratio(w, "floor", "untraced")) : "-",
				f(ratio(w, "json", "untraced")), f(ratio(w, "summary", "untraced")),
				fl ? f(ratio(w, "json", "floor")) : "-", fl ? f(ratio(w, "summary", fls)) : "-",
				range(w, "json", "untraced");
		}
		exit;
	}
	printf "%s\n", title;
	if (nw == 0) {
		print "  no measurements";
		exit;
	}
	printf "  %-15s %11s %11s %11s %11s %11s   %s\n", "workload", "floor/untr.", "json/untr.",
		"-s/untr.", "json/floor", "-s/floor", "json/untr. over repetitions";
	for (i = 1; i <= nw; i++) {
		w = wl[i];
		printf "  %-15s %11s %11s %11s %11s %11s   %s\n", w,
			fl ? f(ratio(w, "floor", "untraced")) : "-",
			f(ratio(w, "json", "untraced")), f(ratio(w, "summary", "untraced")),
			fl ? f(ratio(w, "json", "floor")) : "-", fl ? f(ratio(w, "summary", fls)) : "-",
			range(w, "json", "untraced");
	}
	printf "  %d repetitions (%s)", maxrep, start;
	if (secs != "")
		printf ", %s s in the guest", secs;
	printf "\n";
	for (c in blocks)
		printf "  ipcsnoop %s: %d records over %d runs, %d lost (ring buffer full)\n",
			c == "json" ? "-j" : "-s", records[c], blocks[c], lost[c];
	for (i = 1; i <= nn; i++)
		printf "  note: %s\n", notes[i];
}

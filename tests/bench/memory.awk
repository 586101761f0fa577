# The memory check's verdict, from memory.tsv (a sample a second: events
# rss_kb cpu_ns; events = runs of ipcsnoop's programs since it started).
# -v want=EVENTS -v records=N (ipcsnoop's own count at exit).
# Flat: from the first sample after a tenth of the events (start-up, the ring
# buffer's pages and the tables' first pages are in by then) to the end, the
# RSS grew by at most max(512 KiB, 2%).
NR == 1 { next }
{
	n++;
	ev[n] = $1;
	rss[n] = $2;
	cpu[n] = $3;
}
END {
	if (n < 2) {
		print "memory check: too few samples";
		exit;
	}
	for (b = 1; b < n && ev[b] - ev[1] < want / 10; b++)
		;
	print "\nipcsnoop memory while streaming JSON (events: runs of its BPF programs):";
	printf "%12s %10s\n", "events", "RSS";
	step = n > 12 ? int(n / 12) : 1;
	for (i = 1; i <= n; i++)
		if (i == 1 || i == b || i == n || i % step == 0)
			printf "%12d %8.1fM%s\n", ev[i], rss[i] / 1024, i == b ? "  <- reference" : "";
	growth = rss[n] - rss[b];
	limit = rss[b] * 0.02 > 512 ? rss[b] * 0.02 : 512;
	if (records + 0 > 0)
		printf "records ipcsnoop took in: %d; its CPU time: %.0f ns per record\n", records,
			cpu[n] / records;
	if (ev[n] - ev[1] < want * 0.9)
		printf "  MISS  memory flat after %d events: only %d events were seen\n", want, ev[n] - ev[1];
	else
		printf "  %-5s memory flat after %d events: RSS %.1f MiB -> %.1f MiB (%+d KiB, limit %d KiB)\n",
			growth <= limit ? "PASS" : "MISS", ev[n] - ev[1], rss[b] / 1024, rss[n] / 1024,
			growth, limit;
}

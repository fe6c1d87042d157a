// Preloaded into a benchmarked process (node --import ./bench/rss-report.mjs …): on exit, prints the
// kernel's peak RSS of this process (getrusage maxRSS, KiB) to stderr as `JOBPUB_PEAK_RSS_KIB=<n>`.
process.on('exit', () => {
  process.stderr.write(`JOBPUB_PEAK_RSS_KIB=${process.resourceUsage().maxRSS}\n`);
});

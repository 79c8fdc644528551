// Preloaded into measured processes with `node --import ./bench/probe.mjs`:
//  - PODRUN_BENCH_RSS=FILE    appends {maxRssKB} at exit (peak resident set size);
//  - PODRUN_BENCH_TRACE=FILE  appends one JSON line per HTTP request to the engine
//    (method, path, start and end in ms since process start) plus an exit line, via
//    node:diagnostics_channel, so it sees the calls of a bundled dockerode too.
// Costs about a millisecond; used only for the RSS and phase-breakdown runs.
import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';

const rssFile = process.env.PODRUN_BENCH_RSS;
const traceFile = process.env.PODRUN_BENCH_TRACE;
const lines = [];

if (traceFile) {
  const started = new WeakMap();
  subscribe('http.client.request.start', ({ request }) => {
    started.set(request, performance.now());
  });
  subscribe('http.client.response.finish', ({ request }) => {
    const start = started.get(request);
    if (start === undefined) return;
    const path = request.path.replace(/[0-9a-f]{64}/g, (id) => id.slice(0, 12));
    lines.push({ call: `${request.method} ${path.split('?')[0]}`, start, end: performance.now() });
  });
}

process.on('exit', () => {
  if (traceFile) {
    lines.push({ call: 'exit', start: performance.now(), end: performance.now() });
    appendFileSync(traceFile, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  }
  if (rssFile) {
    appendFileSync(rssFile, `${JSON.stringify({ maxRssKB: process.resourceUsage().maxRSS })}\n`);
  }
});

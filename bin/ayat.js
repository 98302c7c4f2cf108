#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=4194304 node --max-semi-space-size=8
// V8's young generation (16-MiB semi-spaces by default) fills with the matcher's and decoders'
// short-lived arrays and stays committed. 8-MiB semi-spaces lowered hybrid mode's peak RSS on
// dev's 26 clips over 20 s from 283 to 260 MiB (mean of 3 runs each), with no slowdown beyond
// run-to-run noise; 4 MiB saved a little more but slowed lightweight mode (docs/memory.md).
// glibc's allocator (ignored elsewhere): two arenas instead of one per thread, and a fixed mmap
// threshold instead of one that rises after each large free. Over all of dev in hybrid mode the
// peak fell from 266–295 MiB (9 runs) to 255–263 MiB (3 runs), at the same latency.
// `node bin/ayat.js …` runs without these settings.
// Checked before anything loads: older Node cannot parse the JSON imports and would print a stack.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 10)) {
  process.stderr.write(`ayat: needs Node.js 20.10 or later; this is ${process.version}\n`);
  process.exit(1);
}
await import('../dist/src/cli/main.js');

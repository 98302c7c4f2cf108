#!/usr/bin/env -S node --max-semi-space-size=8
// V8's young generation (16-MiB semi-spaces by default) fills with the matcher's and decoders'
// short-lived arrays and stays committed. 8-MiB semi-spaces lowered hybrid mode's peak RSS on
// dev's 26 clips over 20 s from 283 to 260 MiB (mean of 3 runs each), with no slowdown beyond
// run-to-run noise; 4 MiB saved a little more but slowed lightweight mode (docs/memory.md).
// `node bin/ayat.js …` runs without the flag.
import '../dist/src/cli/main.js';

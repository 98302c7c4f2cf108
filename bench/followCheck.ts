/**
 * How `ayat follow` does on the multi-verse clips of a manifest: each clip is fed to the follower
 * in half-second pieces, as if recorded, and the verses it reports are compared with the clip's.
 *   node dist/bench/followCheck.js --manifest ../shared/data/dev/manifest.json [--filter category=multi] [--mode hybrid]
 */
import { parseArgs } from 'node:util';
import { decodeAudioFile, SAMPLE_RATE } from '../src/audio/index.js';
import { Follower } from '../src/engine/follow.js';
import { parseMode } from '../src/cli/options.js';
import { lazyModeIdentifier } from '../src/engine/modes.js';
import { formatRef } from '../src/quran/corpus.js';
import { applyFilters, loadManifest, parseFilter } from './manifest.js';
import { runScript } from './runScript.js';

const PIECE_S = 0.5;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      manifest: { type: 'string' },
      filter: { type: 'string', multiple: true, default: ['category=multi'] },
      mode: { type: 'string', default: 'hybrid' },
    },
  });
  if (!values.manifest) throw new Error('--manifest is required');
  const identifier = lazyModeIdentifier(parseMode(values.mode), {});
  const samples = applyFilters(await loadManifest(values.manifest), values.filter.map(parseFilter));
  let exact = 0;
  let found = 0;
  let expectedTotal = 0;
  let extra = 0;
  let audioS = 0;
  let workMs = 0;
  for (const sample of samples) {
    const audio = await decodeAudioFile(sample.path);
    const follower = new Follower(identifier, SAMPLE_RATE);
    const start = performance.now();
    const piece = Math.round(PIECE_S * SAMPLE_RATE);
    for (let at = 0; at < audio.samples.length; at += piece) await follower.push(audio.samples.subarray(at, at + piece));
    await follower.end();
    workMs += performance.now() - start;
    audioS += audio.durationS;
    const got = follower.verses.map(formatRef);
    const expected = sample.expected.map(formatRef);
    if (got.join() === expected.join()) exact++;
    found += expected.filter((v) => got.includes(v)).length;
    extra += got.filter((v) => !expected.includes(v)).length;
    expectedTotal += expected.length;
    process.stdout.write(`${sample.id}: expected ${expected.join(' ')} | followed ${got.join(' ')}\n`);
  }
  process.stdout.write(
    `\n${samples.length} clips: ${exact} followed exactly; ${found}/${expectedTotal} verses found, ${extra} reported that were not recited; ` +
      `${(workMs / 1000).toFixed(1)} s of work for ${audioS.toFixed(1)} s of audio (first model load included)\n`,
  );
  return 0;
}

runScript('followCheck', main);

/**
 * Where a mode's memory goes: resident set size after each loading stage, then after each clip.
 *   node --expose-gc [--max-semi-space-size=8] dist/bench/memoryStages.js --manifest ../shared/data/dev/manifest.json
 *        [--mode hybrid] [--filter KEY=VALUE[,…]] [--limit N]
 * With --expose-gc, garbage is collected before each reading, so a reading holds what is kept
 * (the peak, maxRSS, also holds what was briefly alive). `ayat bench` reports only the peak.
 */
import { parseArgs } from 'node:util';
import { onnxRuntime } from '../src/acoustic/session.js';
import { loadModeModels, MODE_MODELS, modeIdentifier, MODES, type Mode } from '../src/engine/modes.js';
import { defaultMatcher } from '../src/match/matcher.js';
import { applyFilters, loadManifest, parseFilter } from './manifest.js';

const MiB = 1024 * 1024;

function reading(stage: string): string {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS / 1024;
  const mib = (bytes: number): string => (bytes / MiB).toFixed(0).padStart(4);
  return `${stage.padEnd(44)} rss ${mib(m.rss)}  peak ${peak.toFixed(0).padStart(4)}  heap ${mib(m.heapUsed)}  array buffers ${mib(m.arrayBuffers)}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { manifest: { type: 'string' }, mode: { type: 'string', default: 'hybrid' }, filter: { type: 'string', multiple: true }, limit: { type: 'string' } },
  });
  const mode = values.mode as Mode;
  if (!values.manifest || !MODES.includes(mode)) throw new Error(`usage: memoryStages --manifest FILE [--mode ${MODES.join('|')}] [--filter K=V] [--limit N]`);
  const samples = applyFilters(await loadManifest(values.manifest), (values.filter ?? []).map(parseFilter)).slice(0, values.limit ? Number(values.limit) : undefined);

  console.log(reading('node'));
  await onnxRuntime();
  console.log(reading('onnxruntime-node loaded'));
  // Modes with the acoustic model match its posteriors with the verse matcher.
  if (MODE_MODELS[mode].includes('acoustic')) {
    defaultMatcher();
    console.log(reading('verse matcher built (text + n-gram index)'));
  }
  const identifier = modeIdentifier(mode, await loadModeModels(mode));
  console.log(reading(`${mode} models loaded`));
  for (const sample of samples) {
    const { audioS } = await identifier.identifyFile(sample.path, sample.file);
    console.log(reading(`${sample.id} (${audioS.toFixed(0)} s)`));
  }
}

main().catch((err: unknown) => {
  console.error(`memoryStages: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});

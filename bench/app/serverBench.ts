/**
 * The app's performance targets, measured with the trained model:
 *  - POST /identify round trip vs the engine's own time per file (what `ayat identify` spends per clip once loaded);
 *  - 20 concurrent uploads: all complete, no errors;
 *  - library indexing speed: seconds of audio indexed per second of wall time.
 *   node dist/bench/app/serverBench.js [--model DIR] [--runs 20] [--dev ../shared/data/dev]
 * Prints one JSON object.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../src/acoustic/packageRoot.js';
import { loadModel } from '../../src/engine/loadModel.js';
import { defaultMode, lazyModeIdentifier } from '../../src/engine/modes.js';
import { startServer } from '../../src/server/start.js';
import { percentile, round1 } from './stats.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    runs: { type: 'string', default: '20' },
    dev: { type: 'string', default: join(packageRoot(), '..', 'shared', 'data', 'dev') },
    reciter: { type: 'string', default: 'husary' },
  },
});
const runs = Number(values.runs);
const reciterDir = join(resolve(values.dev), 'reciters', values.reciter);
if (!existsSync(reciterDir)) throw new Error(`no dev clips at ${reciterDir}; pass --dev`);
const clips = readdirSync(reciterDir).filter((f) => f.endsWith('.opus')).sort().map((f) => join(reciterDir, f));
const clip = clips.find((c) => c.endsWith('112001.opus')) ?? clips[0]!;

const work = mkdtempSync(join(tmpdir(), 'ayat-server-bench-'));
try {
  const model = await loadModel(values.model);
  const modelDir = model.dir;

  // The engine as the CLI runs it, per file, once loaded, in the mode the server answers in by
  // default (with no mode asked for, POST /identify runs the default mode, as `ayat identify` does).
  const mode = defaultMode({ acousticModel: model });
  const identifier = lazyModeIdentifier(mode, { acousticModel: model });
  for (let i = 0; i < 2; i++) await identifier.identifyFile(clip);
  const engineMs: number[] = [];
  for (let i = 0; i < runs; i++) engineMs.push((await identifier.identifyFile(clip)).timings.totalMs);

  // The CLI as a user starts it (process start and model load included), for reference.
  const cliMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'ayat.js'), 'identify', '--json', '--model', modelDir, clip], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ayat identify failed: ${r.stderr}`);
    cliMs.push(performance.now() - start);
  }

  const server = await startServer({ port: 0, dataDir: join(work, 'data'), model: modelDir, webRoot: null });
  try {
    await server.modelReady;
    const body = readFileSync(clip);
    const upload = async (): Promise<{ ok: boolean; ms: number }> => {
      const start = performance.now();
      const r = await fetch(`${server.url}identify`, { method: 'POST', headers: { 'content-type': 'audio/ogg' }, body });
      const json = (await r.json()) as { status?: string };
      return { ok: r.status === 200 && json.status !== 'error', ms: performance.now() - start };
    };
    for (let i = 0; i < 2; i++) await upload();
    const serverMs: number[] = [];
    for (let i = 0; i < runs; i++) serverMs.push((await upload()).ms);

    const burstStart = performance.now();
    const burst = await Promise.all(Array.from({ length: 20 }, upload));
    const burstMs = performance.now() - burstStart;

    // One long recording made of the reciter's dev clips, indexed through the API.
    const folder = join(work, 'library');
    mkdirSync(folder);
    const list = join(work, 'list.txt');
    writeFileSync(list, clips.map((c) => `file '${c.replace(/'/g, "'\\''")}'`).join('\n') + '\n');
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-ac', '1', '-ar', '16000', join(folder, 'long.wav')]);
    const indexStart = performance.now();
    const added = (await (await fetch(`${server.url}library`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: folder }) })).json()) as { job: { id: string } };
    await server.jobs.idle();
    const indexS = (performance.now() - indexStart) / 1000;
    const job = server.store.job(added.job.id);
    const rec = server.store.recordings()[0]!;

    console.log(
      JSON.stringify(
        {
          model: `${model.card.name} ${model.card.version}`,
          mode,
          clip,
          identify: {
            runs,
            engine_p50_ms: round1(percentile(engineMs, 50)),
            server_p50_ms: round1(percentile(serverMs, 50)),
            server_minus_engine_p50_ms: round1(percentile(serverMs, 50) - percentile(engineMs, 50)),
            server_p95_ms: round1(percentile(serverMs, 95)),
            cli_process_p50_ms: round1(percentile(cliMs, 50)),
          },
          concurrent_20: { all_ok: burst.every((b) => b.ok), errors: burst.filter((b) => !b.ok).length, wall_ms: round1(burstMs), max_ms: round1(Math.max(...burst.map((b) => b.ms))) },
          indexing: {
            audio_s: round1(rec.durationS ?? 0),
            wall_s: round1(indexS),
            times_real_time: round1((rec.durationS ?? 0) / indexS),
            segments: rec.segmentCount,
            job: job?.status,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await server.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

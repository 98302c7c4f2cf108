import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Debian's python3 holds torch; the first python3 on PATH may be another interpreter. */
export const PYTHON = process.env.AYAT_PYTHON ?? '/usr/bin/python3';
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runPython(args: string[], timeoutMs = 300_000): RunResult {
  const r = spawnSync(PYTHON, args, { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function mustRunPython(args: string[], timeoutMs?: number): string {
  const r = runPython(args, timeoutMs);
  if (r.status !== 0) throw new Error(`python ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** Runs Python code with train/ on the path and parses the JSON it prints. */
export function trainPythonJson<T>(code: string): T {
  return JSON.parse(mustRunPython(['-c', `import sys, json\nsys.path.insert(0, 'train')\n${code}`])) as T;
}

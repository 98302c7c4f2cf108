import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/acoustic/packageRoot.js';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI (bin/ayat.js) as a user would, from an unrelated cwd. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, input?: Buffer): CliRun {
  const { AYAT_MODEL: _ignored, AYAT_CLAP_MODEL: _clap, AYAT_LIGHTWEIGHT_MODEL: _bridge, ...baseEnv } = process.env;
  const child = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'ayat.js'), ...args], {
    cwd: tmpdir(),
    env: { ...baseEnv, ...env },
    encoding: 'utf8',
    timeout: 120_000,
    ...(input ? { input } : {}),
  });
  if (child.error) throw child.error;
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** No stack frames ("    at fn (file:1:2)") anywhere in the output. */
export const STACK_FRAME = /^\s+at .+[(:]\d+/m;

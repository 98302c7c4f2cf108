/** Runs a bench script's main: exits with its code, or with 1 and one line on stderr, named after the script, when it throws. */
export function runScript(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

/** Options of the bench scripts that go through a manifest's clips (wordCheck, noiseCheck); a script adds its own. */
export const CLIP_SCRIPT_OPTIONS = {
  manifest: { type: 'string' },
  filter: { type: 'string', multiple: true, default: [] as string[] },
  mode: { type: 'string', default: 'hybrid' },
  model: { type: 'string' },
  seed: { type: 'string', default: '1' },
  out: { type: 'string' },
  table: { type: 'string' },
} as const;

/** Debian's Chromium driven by playwright-core, offline: no browser download, no network but loopback. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { packageRoot } from '../../src/acoustic/packageRoot.js';

export const CHROMIUM = process.env['AYAT_CHROMIUM'] ?? '/usr/bin/chromium';

export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set AYAT_CHROMIUM`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
    timeout: 60_000,
  });
}

/** test-artifacts/web/<name>: screenshots kept after the run. */
export function artifactPath(name: string): string {
  const dir = join(packageRoot(), 'test-artifacts', 'web');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

export function webRoot(): string {
  const dir = join(packageRoot(), 'web', 'dist');
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`the web UI is not built (${dir}/index.html missing): run npm run build`);
  return dir;
}

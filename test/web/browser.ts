/** Where the browser tests keep their screenshots, and the web UI they load (launchChromium: bench/app/chromium.ts). */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/acoustic/packageRoot.js';

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

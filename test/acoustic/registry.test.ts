import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot, packageVersion } from '../../src/acoustic/packageRoot.js';
import { DEFAULT_MODEL_NAME, resolveModel } from '../../src/acoustic/registry.js';

describe('packageRoot', () => {
  it('is the folder holding package.json, whatever the cwd', () => {
    assert.ok(existsSync(join(packageRoot(), 'package.json')));
    assert.ok(existsSync(join(packageRoot(), 'src', 'quran', 'units.json')));
    assert.match(packageVersion(), /^\d+\.\d+\.\d+/);
  });
});

describe('resolveModel', () => {
  const bundled = join(packageRoot(), 'models', DEFAULT_MODEL_NAME);

  it('defaults to models/ayat-ctc in the package', () => {
    assert.deepEqual(resolveModel(undefined, {}), { dir: bundled, source: 'default' });
  });

  it('takes AYAT_MODEL when no argument is given', () => {
    assert.deepEqual(resolveModel(undefined, { AYAT_MODEL: '/opt/models/x' }), { dir: '/opt/models/x', source: 'env' });
    assert.deepEqual(resolveModel(undefined, { AYAT_MODEL: '' }), { dir: bundled, source: 'default' });
  });

  it('prefers the argument over AYAT_MODEL', () => {
    assert.deepEqual(resolveModel('/a/b', { AYAT_MODEL: '/opt/x' }), { dir: '/a/b', source: 'argument' });
  });

  it('resolves relative paths against the cwd and bare names under models/', () => {
    assert.equal(resolveModel('./my-model', {}).dir, resolve('my-model'));
    assert.equal(resolveModel('sub/dir', {}).dir, resolve('sub/dir'));
    assert.equal(resolveModel('ayat-ctc-small', {}).dir, join(packageRoot(), 'models', 'ayat-ctc-small'));
  });
});

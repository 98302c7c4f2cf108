import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AudioError } from '../../src/audio/errors.js';
import { ModelError } from '../../src/acoustic/errors.js';
import { EmbedModelError } from '../../src/embed/errors.js';
import { ModeUnavailableError } from '../../src/engine/modes.js';
import { QueryError } from '../../src/search/queryParser.js';
import { HttpError, toErrorBody } from '../../src/server/errors.js';
import { isAcceptedAudioType } from '../../src/server/mediaTypes.js';
import { safeFileName } from '../../src/server/upload.js';

describe('upload checks', () => {
  it('accepts audio types browsers and curl send, and nothing else', () => {
    for (const t of ['audio/wav', 'audio/webm;codecs=opus', 'Audio/MPEG', 'video/webm', 'audio/mp4', 'application/octet-stream', 'application/ogg']) {
      assert.ok(isAcceptedAudioType(t), t);
    }
    for (const t of ['text/plain', 'image/png', 'application/json', 'video/x-flv', '', undefined]) assert.ok(!isAcceptedAudioType(t), String(t));
  });

  it('keeps file names free of paths and odd characters', () => {
    assert.equal(safeFileName('../../etc/passwd'), 'passwd');
    assert.equal(safeFileName('C:\\music\\سورة.mp3'), 'سورة.mp3');
    assert.equal(safeFileName('.hidden.wav'), 'hidden.wav');
    assert.equal(safeFileName('a<b>|c.wav'), 'a_b_c.wav');
    assert.equal(safeFileName(''), 'upload');
    assert.equal(safeFileName(undefined, 'x'), 'x');
  });
});

describe('error mapping', () => {
  it('gives each known failure its status and a one-line message', () => {
    assert.deepEqual(toErrorBody(new HttpError(418, 'teapot', 'short and stout')).body, { error: 'short and stout', code: 'teapot', status: 418 });
    assert.equal(toErrorBody(new AudioError('too_long', 'x is too long')).body.status, 413);
    assert.equal(toErrorBody(new AudioError('unreadable', 'bad')).body.status, 422);
    assert.equal(toErrorBody(new ModelError('not_found', 'no model')).body.status, 503);
    assert.equal(toErrorBody(new QueryError('no verse')).body.code, 'bad_query');
    assert.deepEqual(toErrorBody(new ModeUnavailableError('mode hybrid needs the acoustic model')).body, {
      error: 'mode hybrid needs the acoustic model',
      code: 'model_unavailable',
      status: 503,
    });
    assert.equal(toErrorBody(new EmbedModelError('not_found', 'no card')).body.code, 'model_unavailable');
    const corrupt = toErrorBody(new EmbedModelError('hash_mismatch', 'verses.bin does not match card.json'));
    assert.deepEqual([corrupt.body.status, corrupt.body.code, corrupt.internal], [500, 'model_failed', true]);
  });

  it('hides unknown errors behind "internal error"', () => {
    const { body, internal } = toErrorBody(new TypeError('secret detail at /src/x.ts:1:2'));
    assert.deepEqual(body, { error: 'internal error', code: 'internal', status: 500 });
    assert.equal(internal, true);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainPythonJson as python } from '../helpers/python.js';

const TONES = `
import math, random, torch
from ayat_train.augment import AugmentConfig, augment_batch, codec_round_trip, room_echo, shift_pitch
SR = 16000
def tone(hz, n):
    return 0.3 * torch.sin(2 * math.pi * hz * torch.arange(n) / SR) * torch.hann_window(n)
def peak_hz(w):
    return float((torch.fft.rfft(w * torch.hann_window(len(w))).abs()).argmax()) * SR / len(w)
def corr(a, b):
    return float(torch.corrcoef(torch.stack([a, b]))[0, 1])
`;

describe('training augmentation: pitch apart from tempo, tempo apart from pitch, codec round trip', () => {
  it('shift_pitch moves a tone by the asked semitones and keeps the clip length', () => {
    const out = python<{ shifts: { st: number; hz: number; n: number }[] }>(`${TONES}
shifts = [{"st": st, "hz": peak_hz(shift_pitch(tone(200, 32000), st)), "n": len(shift_pitch(tone(200, 32000), st))}
          for st in (12, 5, -4)]
print(json.dumps({"shifts": shifts}))
`);
    for (const { st, hz, n } of out.shifts) {
      const want = 200 * 2 ** (st / 12);
      assert.ok(Math.abs(hz - want) < 2, `${st} semitones: peak ${hz} Hz, want ${want.toFixed(1)}`);
      assert.equal(n, 32000, `${st} semitones: length`);
    }
  });

  it("room_echo keeps the direct sound, puts the echo the asked dB below it, dying away 60 dB in the asked time; length and level kept", () => {
    const out = python<{ n: number; drr: number; decay: number; level: number }>(`${TONES}
torch.manual_seed(1)
x = torch.zeros(3 * SR); x[SR // 10] = 1.0
y = room_echo(x, 1.0, 3.0)
echo = y[SR // 10 + 1:]
def energy(a, b): return float(echo[int(a * SR):int(b * SR)].pow(2).sum())
print(json.dumps({"n": len(y), "drr": 10 * math.log10(float(y[SR // 10]) ** 2 / energy(0, 2)),
                  "decay": 10 * math.log10(energy(0.01, 0.21) / energy(0.51, 0.71)),
                  "level": float(y.pow(2).mean() / x.pow(2).mean())}))
`);
    assert.equal(out.n, 48000);
    assert.ok(Math.abs(out.drr - 3) < 0.3, `echo ${out.drr.toFixed(2)} dB below the direct sound, want 3`);
    assert.ok(Math.abs(out.decay - 30) < 3, `${out.decay.toFixed(1)} dB over half a second, want 30 (60 dB a second)`);
    assert.ok(Math.abs(out.level - 1) < 1e-3, `level ratio ${out.level}`);
  });

  it('codec_round_trip keeps each clip of a batch at its length and place (delay removed), and is lossy', () => {
    const out = python<Record<string, { lengths: number[]; tone_corr: number[]; noise_corr: number }>>(`${TONES}
waves = [tone(300, 20000), tone(500, 30000), torch.randn(12000) * 0.05]
res = {}
for codec, kbps in (("mp3", 16), ("opus", 8), ("gsm", 13)):
    back = codec_round_trip(waves, codec, kbps)
    res[codec] = {"lengths": [len(b) for b in back], "tone_corr": [corr(a, b) for a, b in zip(waves[:2], back[:2])],
                  "noise_corr": corr(waves[2], back[2])}
print(json.dumps(res))
`);
    for (const [codec, r] of Object.entries(out)) {
      assert.deepEqual(r.lengths, [20000, 30000, 12000], `${codec}: lengths`);
      for (const c of r.tone_corr) assert.ok(c > 0.95, `${codec}: a tone comes back aligned (corr ${c})`);
      assert.ok(r.noise_corr < 0.9, `${codec}: white noise does not survive a low-rate codec intact (corr ${r.noise_corr})`);
    }
  });

  it('augment_batch applies pitch and codec when asked, one clip out per clip in, lengths kept', () => {
    const out = python<{ n: number[]; hz: number[] }>(`${TONES}
random.seed(3)
cfg = AugmentConfig(speed=(1.0, 1.0), p_noise=0, p_reverb=0, p_pitch=1, semitones=(12.0, 12.0), p_codec=1)
batch = augment_batch([tone(200, 16000), tone(400, 24000)], cfg)
print(json.dumps({"n": [len(b) for b in batch], "hz": [peak_hz(b) for b in batch]}))
`);
    assert.deepEqual(out.n, [16000, 24000]);
    assert.ok(Math.abs(out.hz[0]! - 400) < 3 && Math.abs(out.hz[1]! - 800) < 3, `an octave up: peaks ${out.hz.join(', ')}`);
  });

  it('augment_batch stretches tempo apart from pitch when asked: longer clip, same tone', () => {
    const out = python<{ n: number[]; hz: number[] }>(`${TONES}
random.seed(4)
cfg = AugmentConfig(speed=(1.0, 1.0), p_noise=0, p_reverb=0, p_stretch=1, stretch=(1.25, 1.25))
batch = augment_batch([tone(300, 16000), tone(600, 24000)], cfg)
print(json.dumps({"n": [len(b) for b in batch], "hz": [peak_hz(b) for b in batch]}))
`);
    assert.deepEqual(out.n, [20000, 30000]);
    assert.ok(Math.abs(out.hz[0]! - 300) < 3 && Math.abs(out.hz[1]! - 600) < 3, `pitch kept: peaks ${out.hz.join(', ')}`);
  });

  it('spectral_gains adds a smooth envelope of resonances and dips when asked, bounded and never flat', () => {
    const out = python<{ plain_monotone: boolean; eq_span_db: number[]; eq_max_db: number; eq_max_step_db: number }>(`
import random, torch
from ayat_train.augment import AugmentConfig, spectral_gains
random.seed(5)
plain = spectral_gains(4, "cpu", AugmentConfig(p_bandlimit=0, p_eq=0))
eq = spectral_gains(8, "cpu", AugmentConfig(p_bandlimit=0, p_eq=1, eq_db=8.0))
db = 10 * torch.log10(eq)
d = plain[:, 1:] - plain[:, :-1]
print(json.dumps({"plain_monotone": bool(((d >= 0).all(dim=1) | (d <= 0).all(dim=1)).all()),
                  "eq_span_db": [float(r.max() - r.min()) for r in db],
                  "eq_max_db": float(db.abs().max()),
                  "eq_max_step_db": float((db[:, 1:] - db[:, :-1]).abs().max())}))
`);
    assert.ok(out.plain_monotone, 'without it, the gain is a plain tilt');
    for (const span of out.eq_span_db) assert.ok(span > 2, `each clip gets an envelope with real bumps (span ${span.toFixed(1)} dB)`);
    assert.ok(out.eq_max_db <= 8 + 6 + 1e-6, `bounded by the envelope plus the tilt (${out.eq_max_db.toFixed(1)} dB)`);
    assert.ok(out.eq_max_step_db < 3, `smooth from bin to bin (${out.eq_max_step_db.toFixed(2)} dB)`);
  });

  it('the model card names the augmentations of the checkpoint\'s run', () => {
    const out = python<{ plain: string; phone: string; tempo: string; eq: string; none: string }>(`
from export import augmentation_summary
print(json.dumps({"plain": augmentation_summary({"augment_strength": 0.6}),
                  "phone": augmentation_summary({"augment_strength": 0.6, "pitch_prob": 0.6, "codec_prob": 0.4}),
                  "tempo": augmentation_summary({"augment_strength": 0.6, "stretch_prob": 0.6}),
                  "eq": augmentation_summary({"augment_strength": 0.6, "eq_prob": 0.5}),
                  "none": augmentation_summary({"no_augment": True})}))
`);
    assert.ok(!out.plain.includes('pitch') && out.plain.endsWith('at strength 0.6'), out.plain);
    assert.match(out.phone, /pitch -4\.\.\+9 semitones \(p 0\.6\)/);
    assert.match(out.phone, /gsm\/mp3\/opus codec round trip \(p of a batch 0\.4\)/);
    assert.match(out.tempo, /tempo apart from pitch x0\.8-1\.25 \(p 0\.6\)/);
    assert.match(out.eq, /random resonances\/dips up to 8 dB \(p 0\.5\)/);
    assert.ok(!out.plain.includes('resonances'), out.plain);
    assert.equal(out.none, 'none');
  });
});

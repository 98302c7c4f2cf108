"""Lightweight-mode clip features: MFCC and spectral summary statistics, 128 numbers per clip.

The same computation lives in src/embed/features.ts; test/embed/features-parity.test.ts checks
that both give the same numbers on the same audio. Change one, change the other, and bump
FEATURE_VERSION (model cards record it, so a bridge never gets features it was not trained on).

Spec (all arithmetic in float64):
  signal    x (16 kHz mono, [-1, 1]); pre-emphasis y[n] = x[n] - 0.97 x[n-1], y[0] = x[0]
  frames    400 samples (25 ms) every 160 (10 ms), no padding; a clip shorter than 400 samples
            is one zero-padded frame. Periodic Hann window of 400, zero-padded to a 512-point FFT
  power     P[k] = |FFT|^2 / 512, k = 0..256, bin frequency k * 31.25 Hz
  mel       40 HTK triangular filters, 20-7600 Hz (as model.py's mel_filterbank); L = ln(mel + 1e-10)
  mfcc      orthonormal DCT-II of L, coefficients 0..19; delta d_t = (c_{t+1} - c_{t-1}) / 2, edges repeated
  energy    e_t = sum_k P[k]; dB_t = 10 log10(e_t + 1e-12); active frames: dB_t >= max dB - 40
  per frame centroid and bandwidth (kHz, power-weighted), 85 % roll-off (kHz), flatness
            (geometric / arithmetic mean of P + 1e-12), flux (squared change of the L2-normalised
            magnitude spectrum, 0 for the first frame), relative energy (dB_t - max dB) / 10,
            zero-crossing rate of the frame's pre-emphasised samples
  summary   over active frames, in this order:
            mfcc mean (20), mfcc std (20), delta std (20), log-mel mean (40),
            [centroid, bandwidth, roll-off, flatness, flux, relative energy, zcr] mean and std,
            interleaved (14), mean of c1..c4 in each third of the active frames (12),
            ln(duration s), active share of frames (2)  -> 128
"""
from __future__ import annotations

import math

import numpy as np

FEATURE_VERSION = 1
FEATURE_DIM = 128
SAMPLE_RATE = 16000
FRAME = 400
HOP = 160
N_FFT = 512
N_MELS = 40
N_MFCC = 20
F_MIN = 20.0
F_MAX = 7600.0
PRE_EMPHASIS = 0.97
ACTIVE_DB = 40.0
ROLLOFF = 0.85
THIRDS_COEFFS = 4


def mel_filters() -> np.ndarray:
    """[N_MELS, N_FFT//2+1], HTK mel scale, triangles on bin frequencies."""
    def hz_to_mel(f):
        return 2595.0 * math.log10(1.0 + f / 700.0)

    n_bins = N_FFT // 2 + 1
    lo, hi = hz_to_mel(F_MIN), hz_to_mel(F_MAX)
    hz = np.array([700.0 * (10 ** ((lo + (hi - lo) * i / (N_MELS + 1)) / 2595.0) - 1.0) for i in range(N_MELS + 2)])
    bins = np.arange(n_bins) * (SAMPLE_RATE / N_FFT)
    fb = np.zeros((N_MELS, n_bins))
    for m in range(N_MELS):
        a, b, c = hz[m], hz[m + 1], hz[m + 2]
        up = (bins - a) / (b - a)
        down = (c - bins) / (c - b)
        fb[m] = np.maximum(0.0, np.minimum(up, down))
    return fb


def dct_matrix() -> np.ndarray:
    """[N_MFCC, N_MELS] orthonormal DCT-II rows."""
    m = np.arange(N_MELS)
    out = np.zeros((N_MFCC, N_MELS))
    for i in range(N_MFCC):
        scale = math.sqrt(1.0 / N_MELS) if i == 0 else math.sqrt(2.0 / N_MELS)
        out[i] = scale * np.cos(math.pi * i * (m + 0.5) / N_MELS)
    return out


_MEL = mel_filters()
_DCT = dct_matrix()
_WINDOW = 0.5 - 0.5 * np.cos(2 * math.pi * np.arange(FRAME) / FRAME)
_FREQ_KHZ = np.arange(N_FFT // 2 + 1) * (SAMPLE_RATE / N_FFT) / 1000.0


def frame_count(n: int) -> int:
    return 1 if n < FRAME else 1 + (n - FRAME) // HOP


def clip_features(samples: np.ndarray) -> np.ndarray:
    """float samples (16 kHz mono) -> float64 [128]."""
    x = np.asarray(samples, dtype=np.float64)
    n = len(x)
    y = x.copy()
    if n > 1:
        y[1:] = x[1:] - PRE_EMPHASIS * x[:-1]
    t = frame_count(n)
    if n < FRAME:
        y = np.concatenate([y, np.zeros(FRAME - n)])
    idx = np.arange(t)[:, None] * HOP + np.arange(FRAME)[None, :]
    frames = y[idx]  # [T, 400]
    spec = np.fft.rfft(frames * _WINDOW, n=N_FFT, axis=1)
    power = (spec.real ** 2 + spec.imag ** 2) / N_FFT  # [T, 257]

    log_mel = np.log(power @ _MEL.T + 1e-10)  # [T, 40]
    mfcc = log_mel @ _DCT.T  # [T, 20]
    padded = np.concatenate([mfcc[:1], mfcc, mfcc[-1:]])
    delta = (padded[2:] - padded[:-2]) / 2.0

    energy = power.sum(axis=1)
    db = 10.0 * np.log10(energy + 1e-12)
    top = db.max()
    active = db >= top - ACTIVE_DB

    total = energy + 1e-12
    centroid = (power * _FREQ_KHZ).sum(axis=1) / total
    bandwidth = np.sqrt((power * (_FREQ_KHZ[None, :] - centroid[:, None]) ** 2).sum(axis=1) / total)
    cum = np.cumsum(power, axis=1)
    rolloff = _FREQ_KHZ[np.argmax(cum >= ROLLOFF * cum[:, -1:], axis=1)]
    flatness = np.exp(np.log(power + 1e-12).mean(axis=1)) / (power.mean(axis=1) + 1e-12)
    mag = np.sqrt(power)
    unit = mag / (np.sqrt((mag ** 2).sum(axis=1, keepdims=True)) + 1e-12)
    flux = np.zeros(t)
    flux[1:] = ((unit[1:] - unit[:-1]) ** 2).sum(axis=1)
    rel_energy = (db - top) / 10.0
    signs = frames >= 0
    zcr = (signs[:, 1:] != signs[:, :-1]).sum(axis=1) / (FRAME - 1)

    a = np.nonzero(active)[0]
    count = len(a)

    def mean(v):
        return v[a].mean(axis=0)

    def std(v):
        return np.sqrt(((v[a] - v[a].mean(axis=0)) ** 2).mean(axis=0))

    spectral = []
    for v in (centroid, bandwidth, rolloff, flatness, flux, rel_energy, zcr):
        spectral += [mean(v), std(v)]
    thirds = []
    part = (np.arange(count) * 3) // count
    for p in range(3):
        sel = a[part == p]
        for c in range(1, 1 + THIRDS_COEFFS):
            thirds.append(mfcc[sel, c].mean() if len(sel) else 0.0)
    duration = max(n, 1) / SAMPLE_RATE
    out = np.concatenate([mean(mfcc), std(mfcc), std(delta), mean(log_mel), np.array(spectral), np.array(thirds),
                          np.array([math.log(duration), count / t])])
    assert out.shape == (FEATURE_DIM,)
    return out

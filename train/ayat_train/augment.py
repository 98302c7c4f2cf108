"""Augmentations for unseen voices and phones, applied per batch on the training device.

Waveform: speed (tempo+pitch), tempo apart from pitch, pitch apart from tempo, synthetic reverberation, a
room's echo heard from a distance, additive
noise, a lossy codec round trip (ffmpeg: low-rate MP3 / Opus / GSM, as phone apps send).
Spectrum: band-limiting and tilt (phones, low-rate sources), a random smooth envelope of
resonances and dips (other mouths and microphones), vocal-tract warp of the mel axis
(pitch/timbre apart from tempo), SpecAugment masks.
"""
from __future__ import annotations

import math
import random
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .model import N_FFT, SAMPLE_RATE


@dataclass
class AugmentConfig:
    speed: tuple[float, float] = (0.85, 1.15)
    p_pitch: float = 0.0
    semitones: tuple[float, float] = (-4.0, 9.0)
    p_stretch: float = 0.0
    stretch: tuple[float, float] = (0.8, 1.25)
    p_noise: float = 0.5
    snr_db: tuple[float, float] = (5.0, 35.0)
    p_reverb: float = 0.3
    p_room: float = 0.0
    rt60_s: tuple[float, float] = (0.3, 2.5)
    drr_db: tuple[float, float] = (-5.0, 10.0)
    p_codec: float = 0.0
    p_bandlimit: float = 0.35
    p_eq: float = 0.0
    eq_db: float = 8.0
    p_warp: float = 0.6
    warp: tuple[float, float] = (0.88, 1.12)
    freq_masks: int = 2
    freq_mask_width: int = 15
    time_mask_ratio: float = 0.05
    time_masks_per_10s: int = 5

    def scaled(self, strength: float) -> "AugmentConfig":
        """The same augmentations, rarer and milder (strength 0..1): CTC leaves its all-blank phase sooner on cleaner data."""
        lo, hi = self.speed
        return AugmentConfig(
            speed=(1 - (1 - lo) * strength, 1 + (hi - 1) * strength),
            p_pitch=self.p_pitch * strength, semitones=self.semitones, p_codec=self.p_codec * strength,
            p_stretch=self.p_stretch * strength, stretch=self.stretch,
            p_noise=self.p_noise * strength, snr_db=self.snr_db, p_reverb=self.p_reverb * strength,
            p_room=self.p_room * strength, rt60_s=self.rt60_s, drr_db=self.drr_db,
            p_bandlimit=self.p_bandlimit * strength, p_eq=self.p_eq * strength, eq_db=self.eq_db, p_warp=self.p_warp * strength, warp=self.warp,
            freq_masks=round(self.freq_masks * strength), freq_mask_width=self.freq_mask_width,
            time_mask_ratio=self.time_mask_ratio, time_masks_per_10s=round(self.time_masks_per_10s * strength))


def change_speed(wav: torch.Tensor, factor: float) -> torch.Tensor:
    """Resamples so the clip plays `factor` times faster (tempo and pitch change together)."""
    n = max(1, int(round(wav.shape[-1] / factor)))
    return F.interpolate(wav[None, None, :], size=n, mode="linear", align_corners=False)[0, 0]


def fit_length(wav: torch.Tensor, n: int) -> torch.Tensor:
    """Zero-padded or cut to n samples."""
    return F.pad(wav, (0, max(0, n - wav.shape[-1])))[..., :n]


def stretch_time(wav: torch.Tensor, rate: float, n_fft: int = 512, hop: int = 128) -> torch.Tensor:
    """Phase vocoder: the clip lasts `rate` times longer at the same pitch."""
    if wav.shape[-1] <= n_fft:
        return change_speed(wav, 1 / rate)
    window = torch.hann_window(n_fft, device=wav.device, dtype=wav.dtype)
    spec = torch.stft(wav, n_fft, hop, window=window, return_complex=True)  # [bins, frames]
    steps = torch.arange(0, spec.shape[1] - 1, 1 / rate, device=wav.device, dtype=wav.dtype)
    i0 = steps.floor().long().clamp(max=spec.shape[1] - 2)  # float steps can land on the last frame
    frac = (steps - i0)[None, :]
    a, b = spec[:, i0], spec[:, i0 + 1]
    magnitude = (1 - frac) * a.abs() + frac * b.abs()
    expected = 2 * math.pi * hop * torch.arange(spec.shape[0], device=wav.device, dtype=wav.dtype)[:, None] / n_fft
    advance = b.angle() - a.angle() - expected
    advance = advance - 2 * math.pi * torch.round(advance / (2 * math.pi)) + expected
    phase = spec[:, :1].angle() + torch.cumsum(torch.cat([torch.zeros_like(advance[:, :1]), advance[:, :-1]], 1), 1)
    out = torch.istft(torch.polar(magnitude, phase), n_fft, hop, window=window)
    return fit_length(out, int(round(wav.shape[-1] * rate)))


def shift_pitch(wav: torch.Tensor, semitones: float) -> torch.Tensor:
    """Raises the pitch (and the formants with it, like a smaller voice) by `semitones`, keeping the tempo."""
    rate = 2 ** (semitones / 12)
    return fit_length(change_speed(stretch_time(wav, rate), rate), wav.shape[-1])


# name: (ffmpeg encoder arguments, container, bit-rate range in kb/s; GSM has one fixed rate)
CODECS: dict[str, tuple[list[str], str, tuple[int, int]]] = {
    "mp3": (["-c:a", "libmp3lame", "-b:a", "{kbps}k"], "mp3", (16, 32)),
    "opus": (["-c:a", "libopus", "-b:a", "{kbps}k"], "ogg", (6, 16)),
    "gsm": (["-ar", "8000", "-c:a", "libgsm"], "gsm", (13, 13)),
}


def _ffmpeg_round_trip(wav: torch.Tensor, codec: str, kbps: int) -> torch.Tensor:
    if shutil.which("ffmpeg") is None:
        raise RuntimeError("codec augmentation needs ffmpeg (apt install ffmpeg)")
    encode, fmt, _ = CODECS[codec]
    pcm = (wav.detach().cpu().clamp(-1, 1) * 32767).to(torch.int16).numpy().tobytes()
    raw = ["-f", "s16le", "-ar", "16000", "-ac", "1"]
    quiet = ["ffmpeg", "-hide_banner", "-loglevel", "error"]
    coded = subprocess.run(quiet + raw + ["-i", "-"] + [a.format(kbps=kbps) for a in encode] + ["-f", fmt, "-"],
                           input=pcm, capture_output=True, check=True).stdout
    out = subprocess.run(quiet + ["-f", fmt, "-i", "-"] + raw + ["-"], input=coded, capture_output=True, check=True).stdout
    return torch.from_numpy(np.frombuffer(out, dtype=np.int16).astype(np.float32) / 32768.0)


def _codec_delay(clean: torch.Tensor, decoded: torch.Tensor, max_lag: int = 4000) -> int:
    """Samples the codec delayed the audio by (encoder look-ahead, padding): the best cross-correlation lag."""
    n = clean.shape[0] + decoded.shape[0]
    corr = torch.fft.irfft(torch.fft.rfft(decoded, n) * torch.fft.rfft(clean, n).conj(), n)
    return int(corr[: max_lag + 1].argmax())


def codec_round_trip(waves: list[torch.Tensor], codec: str, kbps: int) -> list[torch.Tensor]:
    """Encodes and decodes clips with ffmpeg, the losses of a phone app's upload; each clip keeps its length.
    One ffmpeg pair per call, so pass a whole batch: each process start costs about 0.1 s."""
    gap = torch.zeros(1600)
    joined = torch.cat([t for w in waves for t in (w.detach().cpu().float(), gap)])
    decoded = _ffmpeg_round_trip(joined, codec, kbps)
    decoded = fit_length(decoded[_codec_delay(joined, decoded):], joined.shape[0])
    out, at = [], 0
    for w in waves:
        out.append(decoded[at: at + w.shape[-1]].to(w.device))
        at += w.shape[-1] + gap.shape[0]
    return out


def add_noise(wav: torch.Tensor, snr_db: float) -> torch.Tensor:
    noise = torch.randn_like(wav)
    if random.random() < 0.5:  # brown-ish noise: integrate, remove drift
        noise = torch.cumsum(noise, dim=0)
        noise = noise - F.avg_pool1d(noise[None, None], 401, 1, 200, count_include_pad=False)[0, 0]
    sig = wav.pow(2).mean().clamp(min=1e-8)
    noise = noise * torch.sqrt(sig / noise.pow(2).mean().clamp(min=1e-8) / (10 ** (snr_db / 10)))
    return wav + noise


def reverberate(wav: torch.Tensor, rt60_s: float) -> torch.Tensor:
    n = int(SAMPLE_RATE * rt60_s)
    t = torch.arange(n, device=wav.device, dtype=wav.dtype) / SAMPLE_RATE
    rir = torch.randn(n, device=wav.device, dtype=wav.dtype) * torch.exp(-6.9 * t / rt60_s)
    rir[0] = 1.0
    rir = rir / rir.norm()
    size = wav.shape[0] + n
    out = torch.fft.irfft(torch.fft.rfft(wav, size) * torch.fft.rfft(rir, size), size)[: wav.shape[0]]
    return out * (wav.pow(2).mean().sqrt() / out.pow(2).mean().sqrt().clamp(min=1e-8))


def room_echo(wav: torch.Tensor, rt60_s: float, drr_db: float) -> torch.Tensor:
    """A room heard from a distance: the direct sound, then after 10 ms an echo of decaying noise that
    dies away by 60 dB in rt60_s, drr_db below the direct sound (negative: louder than it); level kept.
    Unlike reverberate's, whose echo drowns the direct sound, this one keeps it (a mosque, a hall)."""
    n = int(SAMPLE_RATE * rt60_s)
    delay = int(0.01 * SAMPLE_RATE)
    t = torch.arange(n, device=wav.device, dtype=wav.dtype) / SAMPLE_RATE
    tail = torch.randn(n, device=wav.device, dtype=wav.dtype) * torch.exp(-6.9 * t / rt60_s)
    rir = torch.zeros(delay + n, device=wav.device, dtype=wav.dtype)
    rir[0] = 1.0
    rir[delay:] = tail / tail.norm() * 10 ** (-drr_db / 20)
    size = wav.shape[0] + rir.shape[0]
    out = torch.fft.irfft(torch.fft.rfft(wav, size) * torch.fft.rfft(rir, size), size)[: wav.shape[0]]
    return out * (wav.pow(2).mean().sqrt() / out.pow(2).mean().sqrt().clamp(min=1e-8))


def augment_waveform(wav: torch.Tensor, cfg: AugmentConfig) -> torch.Tensor:
    wav = change_speed(wav, random.uniform(*cfg.speed))
    if random.random() < cfg.p_stretch:
        lo, hi = cfg.stretch
        wav = stretch_time(wav, math.exp(random.uniform(math.log(lo), math.log(hi))))
    if random.random() < cfg.p_pitch:
        wav = shift_pitch(wav, random.uniform(*cfg.semitones))
    if random.random() < cfg.p_reverb:
        wav = reverberate(wav, random.uniform(0.15, 0.8))
    if random.random() < cfg.p_room:
        wav = room_echo(wav, random.uniform(*cfg.rt60_s), random.uniform(*cfg.drr_db))
    if random.random() < cfg.p_noise:
        wav = add_noise(wav, random.uniform(*cfg.snr_db))
    return wav * random.uniform(0.3, 1.5)


def augment_batch(waves: list[torch.Tensor], cfg: AugmentConfig) -> list[torch.Tensor]:
    """Each clip's waveform augmentations, then (with probability p_codec) one codec round trip for the batch."""
    waves = [augment_waveform(w, cfg) for w in waves]
    if random.random() < cfg.p_codec:
        codec = random.choice(sorted(CODECS))
        waves = codec_round_trip(waves, codec, random.randint(*CODECS[codec][2]))
    return waves


def random_envelope_db(freqs: torch.Tensor, max_db: float) -> torch.Tensor:
    """A smooth random gain curve in dB: 3-6 bumps and dips on the mel scale, each up to max_db, 150-400 mel wide."""
    mels = 2595 * torch.log10(1 + freqs / 700)  # about 2,840 at 8 kHz
    curve = torch.zeros_like(freqs)
    for _ in range(random.randint(3, 6)):
        centre = random.uniform(150.0, float(mels[-1]) - 100)
        width = random.uniform(150.0, 400.0)
        curve = curve + random.uniform(-max_db, max_db) * torch.exp(-0.5 * ((mels - centre) / (width / 2)) ** 2)
    return curve.clamp(-max_db, max_db)


def spectral_gains(batch: int, device, cfg: AugmentConfig) -> torch.Tensor:
    """Per-clip power gain per STFT bin: random low-pass cut-off, spectral tilt and resonances."""
    n_bins = N_FFT // 2 + 1
    freqs = torch.linspace(0, SAMPLE_RATE / 2, n_bins, device=device)
    gains = torch.ones(batch, n_bins, device=device)
    for b in range(batch):
        tilt_db = random.uniform(-6, 6) * (freqs / 8000)
        if random.random() < cfg.p_eq:
            tilt_db = tilt_db + random_envelope_db(freqs, cfg.eq_db)
        g = 10 ** (tilt_db / 10)
        if random.random() < cfg.p_bandlimit:
            cutoff = random.uniform(3000, 7000)
            g = g * torch.sigmoid((cutoff - freqs) / 100.0) + 1e-4
            low = random.uniform(0, 300)
            g = g * torch.sigmoid((freqs - low) / 30.0)
        gains[b] = g
    return gains


def warp_mel_axis(feats: torch.Tensor, factor: float) -> torch.Tensor:
    """Stretches [T, n_mels] along frequency by `factor` (vocal tract length), keeping n_mels."""
    n = feats.shape[-1]
    src = torch.clamp(torch.arange(n, device=feats.device, dtype=feats.dtype) / factor, max=n - 1)
    lo = src.floor().long()
    hi = torch.clamp(lo + 1, max=n - 1)
    w = src - lo
    return feats[..., lo] * (1 - w) + feats[..., hi] * w


def spec_augment(feats: torch.Tensor, length: int, cfg: AugmentConfig) -> torch.Tensor:
    """Masks on one normalised [T, n_mels] utterance (0 = utterance mean)."""
    feats = feats.clone()
    n_mels = feats.shape[1]
    for _ in range(cfg.freq_masks):
        w = random.randint(0, cfg.freq_mask_width)
        f0 = random.randint(0, max(0, n_mels - w))
        feats[:, f0:f0 + w] = 0
    n_masks = max(1, int(cfg.time_masks_per_10s * length / 1000))
    max_w = max(1, int(cfg.time_mask_ratio * length))
    for _ in range(n_masks):
        w = random.randint(0, max_w)
        t0 = random.randint(0, max(0, length - w))
        feats[t0:t0 + w] = 0
    return feats


def augment_features(feats: torch.Tensor, lengths: torch.Tensor, cfg: AugmentConfig) -> torch.Tensor:
    out = feats.clone()
    for b in range(feats.shape[0]):
        n = int(lengths[b])
        x = feats[b, :n]
        if random.random() < cfg.p_warp:
            x = warp_mel_axis(x, random.uniform(*cfg.warp))
        out[b, :n] = spec_augment(x, n, cfg)
    return out

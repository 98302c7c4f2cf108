"""A compact Conformer-CTC acoustic model whose log-mel front-end is part of the graph.

Input: raw 16 kHz mono samples. Output: CTC log-probabilities, one frame per 40 ms.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F

SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms window
HOP = 160  # 10 ms hop


@dataclass
class ModelConfig:
    vocab_size: int = 32
    n_mels: int = 80
    d_model: int = 192
    n_layers: int = 8
    n_heads: int = 4
    ff_mult: int = 4
    conv_kernel: int = 15
    dropout: float = 0.1
    subsampling: int = 4  # 4 -> 40 ms output frames, 6 -> 60 ms
    inter_ctc_layer: int = 0  # >0: also supervise block k's output with CTC (shallow path out of the blank plateau)

    @property
    def strides(self) -> tuple[int, int]:
        return {4: (2, 2), 6: (2, 3)}[self.subsampling]

    @property
    def frame_shift_s(self) -> float:
        return self.subsampling * HOP / SAMPLE_RATE

    def to_dict(self) -> dict:
        return asdict(self)


def mel_filterbank(n_mels: int, n_fft: int = N_FFT, sr: int = SAMPLE_RATE, fmin: float = 20.0, fmax: float = 7600.0) -> torch.Tensor:
    """HTK-style triangular mel filters, [n_mels, n_fft//2+1]."""
    def hz_to_mel(f: float) -> float:
        return 2595.0 * math.log10(1.0 + f / 700.0)

    n_bins = n_fft // 2 + 1
    mels = torch.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2)
    hz = 700.0 * (10 ** (mels / 2595.0) - 1.0)
    bins = torch.linspace(0, sr / 2, n_bins)
    fb = torch.zeros(n_mels, n_bins)
    for m in range(n_mels):
        lo, mid, hi = hz[m], hz[m + 1], hz[m + 2]
        up = (bins - lo) / (mid - lo)
        down = (hi - bins) / (hi - mid)
        fb[m] = torch.clamp(torch.minimum(up, down), min=0.0)
    return fb


class LogMel(nn.Module):
    """STFT as a fixed convolution (exports to any ONNX runtime), power, mel, log."""

    def __init__(self, n_mels: int):
        super().__init__()
        n_bins = N_FFT // 2 + 1
        t = torch.arange(N_FFT, dtype=torch.float64)
        window = 0.5 - 0.5 * torch.cos(2 * math.pi * t / N_FFT)
        k = torch.arange(n_bins, dtype=torch.float64)[:, None]
        angle = 2 * math.pi * k * t[None, :] / N_FFT
        basis = torch.cat([torch.cos(angle) * window, -torch.sin(angle) * window]).float()
        self.register_buffer("basis", basis[:, None, :], persistent=False)
        self.register_buffer("mel", mel_filterbank(n_mels), persistent=False)
        self.n_bins = n_bins

    def forward(self, wav: torch.Tensor, spectral_gain: torch.Tensor | None = None) -> torch.Tensor:
        """wav [B, N] -> log-mel [B, T, n_mels], T = N // HOP + 1."""
        x = F.pad(wav[:, None, :], (N_FFT // 2, N_FFT // 2))
        spec = F.conv1d(x, self.basis, stride=HOP)  # [B, 2*bins, T]
        power = spec[:, : self.n_bins] ** 2 + spec[:, self.n_bins:] ** 2
        if spectral_gain is not None:
            power = power * spectral_gain[:, :, None]
        mel = torch.matmul(self.mel, power)  # [B, n_mels, T]
        return torch.log(mel + 1e-6).transpose(1, 2)


def frames_after_frontend(n_samples: torch.Tensor) -> torch.Tensor:
    return torch.div(n_samples, HOP, rounding_mode="floor") + 1


def frames_after_subsampling(n_frames: torch.Tensor, strides: tuple[int, int]) -> torch.Tensor:
    for stride in strides:  # kernel 3, padding 1
        n_frames = torch.div(n_frames + 2 - 3, stride, rounding_mode="floor") + 1
    return n_frames


def normalise_per_utterance(feats: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
    """Zero mean, unit variance per mel bin over each utterance's real frames (loudness and channel invariance)."""
    if lengths is None:
        mean = feats.mean(dim=1, keepdim=True)
        var = ((feats - mean) ** 2).mean(dim=1, keepdim=True)
    else:
        mask = (torch.arange(feats.shape[1], device=feats.device)[None, :] < lengths[:, None]).to(feats.dtype)[:, :, None]
        count = mask.sum(dim=1, keepdim=True).clamp(min=1.0)
        mean = (feats * mask).sum(dim=1, keepdim=True) / count
        var = (((feats - mean) * mask) ** 2).sum(dim=1, keepdim=True) / count
    return (feats - mean) / torch.sqrt(var + 1e-5)


class FeedForward(nn.Module):
    def __init__(self, d: int, mult: int, dropout: float):
        super().__init__()
        self.net = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, d * mult), nn.SiLU(), nn.Dropout(dropout),
                                 nn.Linear(d * mult, d), nn.Dropout(dropout))

    def forward(self, x):
        return self.net(x)


class ConvModule(nn.Module):
    def __init__(self, d: int, kernel: int, dropout: float):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.pointwise_in = nn.Conv1d(d, 2 * d, 1)
        self.depthwise = nn.Conv1d(d, d, kernel, padding=kernel // 2, groups=d)
        self.mid_norm = nn.LayerNorm(d)
        self.pointwise_out = nn.Conv1d(d, d, 1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, pad_mask):
        y = self.norm(x)
        if pad_mask is not None:
            y = y.masked_fill(pad_mask[:, :, None], 0.0)
        y = F.glu(self.pointwise_in(y.transpose(1, 2)), dim=1)
        y = self.depthwise(y).transpose(1, 2)
        y = F.silu(self.mid_norm(y)).transpose(1, 2)
        return self.dropout(self.pointwise_out(y).transpose(1, 2))


class ConformerBlock(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.d_model
        self.ff1 = FeedForward(d, cfg.ff_mult, cfg.dropout)
        self.attn_norm = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, cfg.n_heads, dropout=cfg.dropout, batch_first=True)
        self.attn_dropout = nn.Dropout(cfg.dropout)
        self.conv = ConvModule(d, cfg.conv_kernel, cfg.dropout)
        self.ff2 = FeedForward(d, cfg.ff_mult, cfg.dropout)
        self.out_norm = nn.LayerNorm(d)

    def forward(self, x, pad_mask):
        x = x + 0.5 * self.ff1(x)
        y = self.attn_norm(x)
        y, _ = self.attn(y, y, y, key_padding_mask=pad_mask, need_weights=False)
        x = x + self.attn_dropout(y)
        x = x + self.conv(x, pad_mask)
        x = x + 0.5 * self.ff2(x)
        return self.out_norm(x)


class Encoder(nn.Module):
    """Normalised log-mel [B, T, n_mels] -> hidden states [B, T/4, d]."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.d_model
        s1, s2 = cfg.strides
        self.subsample = nn.Sequential(nn.Conv1d(cfg.n_mels, d, 3, stride=s1, padding=1), nn.GELU(),
                                       nn.Conv1d(d, d, 3, stride=s2, padding=1), nn.GELU())
        self.position = nn.Conv1d(d, d, 15, padding=7, groups=d)  # convolutional relative position
        self.dropout = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(ConformerBlock(cfg) for _ in range(cfg.n_layers))

    def forward(self, feats: torch.Tensor, out_lengths: torch.Tensor | None, keep_layer: int | None = None):
        """Hidden states of the last block, and those after the first `keep_layer` blocks when asked
        (0: before the first block; None: none kept)."""
        x = self.subsample(feats.transpose(1, 2))
        x = (x + self.position(x)).transpose(1, 2)
        x = self.dropout(x)
        pad_mask = None
        if out_lengths is not None:
            pad_mask = torch.arange(x.shape[1], device=x.device)[None, :] >= out_lengths[:, None]
        kept = x if keep_layer == 0 else None
        for i, block in enumerate(self.blocks, 1):
            x = block(x, pad_mask)
            if i == keep_layer:
                kept = x
        return x, kept


class CtcModel(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.frontend = LogMel(cfg.n_mels)
        self.encoder = Encoder(cfg)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size)

    def features(self, wav, lengths=None, spectral_gain=None):
        feats = self.frontend(wav, spectral_gain)
        feat_lengths = frames_after_frontend(lengths) if lengths is not None else None
        return normalise_per_utterance(feats, feat_lengths), feat_lengths

    def forward_features(self, feats, feat_lengths=None, with_inter: bool = False, hidden_blocks: int | None = None):
        """(log_probs, out_lengths), plus a third item: the intermediate layer's log-probs (with_inter)
        or the states after the first `hidden_blocks` encoder blocks (when given)."""
        out_lengths = frames_after_subsampling(feat_lengths, self.cfg.strides) if feat_lengths is not None else None
        keep = (self.cfg.inter_ctc_layer or None) if with_inter else hidden_blocks
        hidden, kept = self.encoder(feats, out_lengths, keep)
        log_probs = F.log_softmax(self.head(hidden).float(), dim=-1)
        if with_inter:
            inter_log_probs = F.log_softmax(self.head(kept).float(), dim=-1) if kept is not None else None
            return log_probs, out_lengths, inter_log_probs
        if hidden_blocks is not None:
            return log_probs, out_lengths, kept
        return log_probs, out_lengths

    def forward(self, wav: torch.Tensor, lengths: torch.Tensor | None = None, hidden_blocks: int | None = None):
        feats, feat_lengths = self.features(wav, lengths)
        return self.forward_features(feats, feat_lengths, hidden_blocks=hidden_blocks)


class ExportWrapper(nn.Module):
    """Single-clip graph for ONNX: audio [1, N] -> log_probs [1, T, V] and hidden [1, T, d], the
    states after the first `hidden_blocks` encoder blocks (the trunk). A QuranCLAP head trained on
    this trunk (its own copies of the remaining blocks, then pooling and projection) takes them, so
    hybrid mode runs the trunk once."""

    def __init__(self, model: CtcModel, hidden_blocks: int | None = None):
        super().__init__()
        n = model.cfg.n_layers
        self.model = model
        self.hidden_blocks = n if hidden_blocks is None else hidden_blocks
        if not 0 <= self.hidden_blocks <= n:
            raise ValueError(f"hidden_blocks must be 0..{n}")
        self.eval()

    def forward(self, audio):
        log_probs, _, hidden = self.model(audio, hidden_blocks=self.hidden_blocks)
        return log_probs, hidden


def encoder_fingerprint(encoder: nn.Module, blocks: int | None = None) -> str:
    """SHA-256 over an Encoder's weights (names and float32 values, in name order): sub-sampling,
    position and the first `blocks` blocks (all of them by default). Two graphs whose trunks have
    the same fingerprint compute the same states after those blocks, so one model's states can
    feed a head trained on the other's (the model cards carry it)."""
    n = len(encoder.blocks) if blocks is None else blocks
    h = hashlib.sha256()
    for name, tensor in sorted(encoder.state_dict().items()):
        if name.startswith("blocks.") and int(name.split(".")[1]) >= n:
            continue
        h.update(name.encode())
        h.update(tensor.detach().float().contiguous().cpu().numpy().tobytes())
    return h.hexdigest()


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())

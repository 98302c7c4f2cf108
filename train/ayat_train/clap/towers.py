"""QuranCLAP's two towers.

Audio tower: the acoustic model's own front-end and Conformer encoder (weights from its
checkpoint), pooled over time (masked mean, or attention pooling), then a projection MLP
(d -> 256, GELU, -> 256) and L2 normalisation. The encoder is split in two: the `trunk`
(sub-sampling + the first n_layers - tune_layers blocks, frozen in both phases, so its outputs
can be cached once) and the `top` (the last tune_layers blocks: frozen in phase 1, fine-tuned
with a smaller learning rate in phase 2).

Text tower: no pretrained Arabic text encoder can be downloaded here, so it is trained: unit
embeddings (optionally initialised from the acoustic model's CTC output layer, which holds one
vector per unit in the encoder's space), a stack of dilated depthwise-separable convolutions,
masked mean+max pooling, the same projection shape, L2 normalisation.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..model import ConformerBlock, Encoder, LogMel, ModelConfig, frames_after_frontend, frames_after_subsampling, normalise_per_utterance


@dataclass
class ClapConfig:
    embed_dim: int = 256
    pooling: str = "mean"  # "mean" | "attention"
    tune_layers: int = 2  # encoder blocks after the cached trunk (fine-tuned in phase 2)
    text_dim: int = 144
    text_layers: int = 4
    text_kernel: int = 5
    text_dropout: float = 0.1
    init_temperature: float = 0.07

    def to_dict(self) -> dict:
        return asdict(self)


class ProjectionHead(nn.Module):
    """d -> embed_dim -> GELU -> embed_dim, then L2 normalisation."""

    def __init__(self, d_in: int, d_out: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d_in, d_out), nn.GELU(), nn.Linear(d_out, d_out))

    def forward(self, x):
        return F.normalize(self.net(x), dim=-1)


def length_mask(lengths: torch.Tensor | None, t: int, device) -> torch.Tensor | None:
    """[B, T] True on real frames."""
    if lengths is None:
        return None
    return torch.arange(t, device=device)[None, :] < lengths[:, None]


def masked_mean(x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    if mask is None:
        return x.mean(dim=1)
    m = mask.to(x.dtype)[:, :, None]
    return (x * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)


class AttentionPool(nn.Module):
    """One learned query scores each frame; the clip vector is the softmax-weighted sum."""

    def __init__(self, d: int):
        super().__init__()
        self.score = nn.Sequential(nn.Linear(d, d), nn.Tanh(), nn.Linear(d, 1))

    def forward(self, x, mask):
        s = self.score(x)[:, :, 0]
        if mask is not None:
            s = s.masked_fill(~mask, -1e4)
        w = torch.softmax(s, dim=1)
        return (x * w[:, :, None]).sum(dim=1)


def block_forward(block: ConformerBlock, x: torch.Tensor, pad: torch.Tensor | None) -> torch.Tensor:
    """ConformerBlock.forward, except that the convolution module also zeroes padded frames
    right before its depthwise convolution: a padded clip then gets exactly its unpadded result
    (without a mask — one clip, as exported — the two are the same computation)."""
    x = x + 0.5 * block.ff1(x)
    y = block.attn_norm(x)
    y, _ = block.attn(y, y, y, key_padding_mask=pad, need_weights=False)
    x = x + block.attn_dropout(y)
    c = block.conv
    y = F.glu(c.pointwise_in(c.norm(x).transpose(1, 2)), dim=1)
    if pad is not None:
        y = y.masked_fill(pad[:, None, :], 0.0)
    y = c.depthwise(y).transpose(1, 2)
    y = F.silu(c.mid_norm(y)).transpose(1, 2)
    x = x + c.dropout(c.pointwise_out(y).transpose(1, 2))
    x = x + 0.5 * block.ff2(x)
    return block.out_norm(x)


class AudioTower(nn.Module):
    def __init__(self, acoustic: ModelConfig, cfg: ClapConfig):
        super().__init__()
        if not 0 <= cfg.tune_layers <= acoustic.n_layers:
            raise ValueError(f"tune_layers must be 0..{acoustic.n_layers}")
        self.acoustic = acoustic
        self.cfg = cfg
        self.frontend = LogMel(acoustic.n_mels)
        self.encoder = Encoder(acoustic)
        self.split = acoustic.n_layers - cfg.tune_layers
        self.pool = AttentionPool(acoustic.d_model) if cfg.pooling == "attention" else None
        self.proj = ProjectionHead(acoustic.d_model, cfg.embed_dim)

    @property
    def d_model(self) -> int:
        return self.acoustic.d_model

    def load_acoustic(self, state: dict) -> None:
        """Encoder weights from an acoustic (CtcModel) checkpoint's state dict."""
        enc = {k[len("encoder."):]: v for k, v in state.items() if k.startswith("encoder.")}
        self.encoder.load_state_dict(enc)

    def frame_lengths(self, n_samples: torch.Tensor) -> torch.Tensor:
        return frames_after_subsampling(frames_after_frontend(n_samples), self.acoustic.strides)

    def trunk(self, wav: torch.Tensor, lengths: torch.Tensor | None = None, spectral_gain=None, feature_fn=None):
        """Raw samples -> states after the frozen blocks [B, T', d] and their lengths.
        feature_fn (optional) transforms the normalised log-mel features (augmentation)."""
        feats = self.frontend(wav, spectral_gain)
        feat_lengths = frames_after_frontend(lengths) if lengths is not None else None
        feats = normalise_per_utterance(feats, feat_lengths)
        if feature_fn is not None:
            feats = feature_fn(feats, feat_lengths)
        out_lengths = frames_after_subsampling(feat_lengths, self.acoustic.strides) if feat_lengths is not None else None
        enc = self.encoder
        # Padding is zeroed before every convolution, so a clip in a padded batch gets exactly
        # what it gets alone (where the convolutions pad with zeros), as in the exported graph.
        x = feats.transpose(1, 2)
        lengths_now = feat_lengths
        for i in range(0, len(enc.subsample), 2):
            if lengths_now is not None:
                x = x * length_mask(lengths_now, x.shape[2], x.device).to(x.dtype)[:, None, :]
            conv = enc.subsample[i]
            x = enc.subsample[i + 1](conv(x))
            if lengths_now is not None:
                lengths_now = frames_after_subsampling(lengths_now, (conv.stride[0],))
        if out_lengths is not None:
            x = x * length_mask(out_lengths, x.shape[2], x.device).to(x.dtype)[:, None, :]
        x = (x + enc.position(x)).transpose(1, 2)
        x = enc.dropout(x)
        pad = None if out_lengths is None else ~length_mask(out_lengths, x.shape[1], x.device)
        for block in enc.blocks[: self.split]:
            x = block_forward(block, x, pad)
        return x, out_lengths

    def top(self, states: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
        pad = None if lengths is None else ~length_mask(lengths, states.shape[1], states.device)
        x = states
        for block in self.encoder.blocks[self.split:]:
            x = block_forward(block, x, pad)
        return x

    def embed_hidden(self, hidden: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
        mask = length_mask(lengths, hidden.shape[1], hidden.device)
        pooled = self.pool(hidden, mask) if self.pool is not None else masked_mean(hidden, mask)
        return self.proj(pooled)

    def forward(self, wav: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        states, out_lengths = self.trunk(wav, lengths)
        return self.embed_hidden(self.top(states, out_lengths), out_lengths)

    def head_parameters(self):
        return [*self.proj.parameters(), *(self.pool.parameters() if self.pool is not None else [])]

    def top_parameters(self):
        return [p for b in self.encoder.blocks[self.split:] for p in b.parameters()]


class TextBlock(nn.Module):
    def __init__(self, d: int, kernel: int, dilation: int, dropout: float):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.depthwise = nn.Conv1d(d, d, kernel, padding=dilation * (kernel // 2), dilation=dilation, groups=d)
        self.pointwise = nn.Linear(d, 2 * d)
        self.out = nn.Linear(d, d)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask):
        y = self.norm(x)
        if mask is not None:
            y = y * mask.to(y.dtype)[:, :, None]
        y = self.depthwise(y.transpose(1, 2)).transpose(1, 2)
        y = F.glu(self.pointwise(y), dim=-1)
        return x + self.dropout(self.out(y))


class TextTower(nn.Module):
    """Unit ids [B, L] (0 = padding; units are 1..V-1) -> L2-normalised [B, embed_dim]."""

    def __init__(self, vocab_size: int, cfg: ClapConfig):
        super().__init__()
        d = cfg.text_dim
        self.cfg = cfg
        self.embed = nn.Embedding(vocab_size, d, padding_idx=0)
        self.blocks = nn.ModuleList(TextBlock(d, cfg.text_kernel, 2 ** (i % 4), cfg.text_dropout) for i in range(cfg.text_layers))
        self.norm = nn.LayerNorm(d)
        self.proj = ProjectionHead(2 * d, cfg.embed_dim)

    def init_from_ctc_head(self, head_weight: torch.Tensor) -> bool:
        """The acoustic model's output layer rows are unit vectors in its encoder space; reuse them."""
        if head_weight.shape != self.embed.weight.shape:
            return False
        with torch.no_grad():
            w = head_weight / head_weight.norm(dim=1, keepdim=True).clamp(min=1e-6)
            self.embed.weight.copy_(w)
            self.embed.weight[0].zero_()
        return True

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        mask = length_mask(lengths, ids.shape[1], ids.device)
        x = self.embed(ids) * math.sqrt(self.cfg.text_dim) / 4
        for block in self.blocks:
            x = block(x, mask)
        x = self.norm(x)
        mean = masked_mean(x, mask)
        if mask is None:
            mx = x.max(dim=1).values
        else:
            mx = x.masked_fill(~mask[:, :, None], -1e4).max(dim=1).values
        return self.proj(torch.cat([mean, mx], dim=-1))


class Clap(nn.Module):
    """Both towers and the learnable temperature (logit_scale = ln(1 / temperature))."""

    def __init__(self, acoustic: ModelConfig, cfg: ClapConfig):
        super().__init__()
        self.cfg = cfg
        self.audio = AudioTower(acoustic, cfg)
        self.text = TextTower(acoustic.vocab_size, cfg)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1.0 / cfg.init_temperature)))

    def scale(self) -> torch.Tensor:
        return self.logit_scale.clamp(max=math.log(100.0)).exp()


def pad_units(seqs: list[list[int]] | list[tuple[int, ...]], device="cpu") -> tuple[torch.Tensor, torch.Tensor]:
    lengths = torch.tensor([max(1, len(s)) for s in seqs], device=device)
    out = torch.zeros(len(seqs), int(lengths.max()), dtype=torch.long, device=device)
    for i, s in enumerate(seqs):
        if s:
            out[i, : len(s)] = torch.tensor(s, dtype=torch.long)
    return out, lengths


@torch.no_grad()
def embed_verses(text: TextTower, seqs, batch: int = 256) -> torch.Tensor:
    """Embeddings of many unit sequences, length-sorted batches; [N, embed_dim]."""
    was_training = text.training
    text.eval()
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = torch.zeros(len(seqs), text.cfg.embed_dim)
    for k in range(0, len(order), batch):
        idx = order[k:k + batch]
        ids, lengths = pad_units([seqs[i] for i in idx])
        out[idx] = text(ids, lengths)
    text.train(was_training)
    return out

"""Confidence for embedding retrieval: P(right) = sigmoid(bias + w1 * top1 + w2 * margin), where
top1 is the best verse's cosine and margin its lead over the best verse of other units.

Fitted (ridge-regularised logistic regression) on labelled dev clips — right / wrong top-1 —
plus negatives that must be rejected: the dev clips played backwards (speech-like, not
Quran), and noise and tones. The engine answers "no verse found" below `threshold`.
src/embed/retrieval.ts computes the same features and formula.
"""
from __future__ import annotations

import math
import random

import numpy as np
import torch

from .verses import verse_table

FEATURES = ["top1", "margin"]
THRESHOLD = 0.5


def score_features(scores: torch.Tensor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """scores [N, 6236] -> (top1 cosine, margin to the best other-key verse, best verse index)."""
    keys = torch.tensor(verse_table().key)
    top1, best = scores.max(dim=1)
    same = keys[None, :] == keys[best][:, None]
    other = scores.masked_fill(same, float("-inf")).max(dim=1).values
    return top1.numpy().astype(np.float64), (top1 - other).numpy().astype(np.float64), best.numpy()


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = 1e-2, iters: int = 50) -> tuple[float, list[float], float]:
    """Newton's method on the mean log loss + ridge/2 |w|^2 (bias unpenalised). Returns (bias, weights, loss)."""
    n, d = x.shape
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.concatenate([np.ones((n, 1)), (x - mu) / sd], axis=1)
    w = np.zeros(d + 1)
    reg = np.full(d + 1, ridge)
    reg[0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (p - y) / n + reg * w
        hess = (z * (p * (1 - p))[:, None]).T @ z / n + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    p = np.clip(1.0 / (1.0 + np.exp(-(z @ w))), 1e-12, 1 - 1e-12)
    loss = float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())
    weights = w[1:] / sd
    bias = w[0] - float((w[1:] * mu / sd).sum())
    return float(bias), [float(v) for v in weights], loss


def negative_clips(dev_waves: list[np.ndarray], seed: int = 7) -> list[np.ndarray]:
    """Audio that is not Quran recitation: each dev clip reversed, and as many noise/tone clips."""
    rng = random.Random(seed)
    nrng = np.random.RandomState(seed)
    out = [w[::-1].copy() for w in dev_waves]
    for _ in range(len(dev_waves)):
        n = int(16000 * rng.uniform(2.0, 10.0))
        kind = rng.choice(["white", "brown", "tone", "hum"])
        if kind == "white":
            x = nrng.randn(n)
        elif kind == "brown":
            x = np.cumsum(nrng.randn(n))
            x -= np.convolve(x, np.ones(401) / 401, mode="same")
        elif kind == "tone":
            t = np.arange(n) / 16000
            x = np.sin(2 * math.pi * rng.uniform(100, 2000) * t) * (1 + 0.3 * np.sin(2 * math.pi * rng.uniform(0.5, 4) * t))
        else:
            t = np.arange(n) / 16000
            x = sum(np.sin(2 * math.pi * 50 * k * t) / k for k in range(1, 8)) + 0.05 * nrng.randn(n)
        out.append((x / (np.abs(x).max() + 1e-9) * rng.uniform(0.02, 0.5)).astype(np.float32))
    return out


def fit_confidence(pos_scores: torch.Tensor, targets: list[int], neg_scores: torch.Tensor) -> dict:
    """Calibration section of a model card, from dev clip scores (with their true verses) and negatives."""
    keys = verse_table().key
    t1, m, best = score_features(pos_scores)
    correct = np.array([float(keys[int(b)] == keys[t]) for b, t in zip(best, targets)])
    n1, nm, _ = score_features(neg_scores)
    x = np.concatenate([np.stack([t1, m], 1), np.stack([n1, nm], 1)])
    y = np.concatenate([correct, np.zeros(len(n1))])
    bias, weights, loss = fit_logistic(x, y)
    p = 1.0 / (1.0 + np.exp(-(bias + x @ np.array(weights))))
    answered = p >= THRESHOLD
    return {"features": FEATURES, "bias": bias, "weights": weights, "threshold": THRESHOLD,
            "fitted_on": {"clips": int(len(t1)), "right_top1": int(correct.sum()), "negatives": int(len(n1)), "log_loss": round(loss, 4),
                          "answered_right": int((answered[: len(t1)] & (correct > 0)).sum()),
                          "answered_wrong": int((answered[: len(t1)] & (correct == 0)).sum()),
                          "negatives_answered": int(answered[len(t1):].sum())}}

"""Export helpers shared by the CLAP and bridge exporters: verse matrices, int8 graphs, cards."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
VERSE_ENCODING = "int8-rowscale"


def write_verse_matrix(matrix: np.ndarray, path: Path) -> dict:
    """[V, D] rows -> int8 with one float32 scale per row (symmetric): V*D int8 bytes, then V
    little-endian float32 scales. Cosine scores change by < 1e-3. Returns the card section."""
    m = np.asarray(matrix, dtype=np.float32)
    scale = np.maximum(np.abs(m).max(axis=1) / 127.0, 1e-12).astype(np.float32)
    q = np.clip(np.round(m / scale[:, None]), -127, 127).astype(np.int8)
    path.write_bytes(q.tobytes() + scale.astype("<f4").tobytes())
    return {"file": path.name, "count": int(m.shape[0]), "dim": int(m.shape[1]), "encoding": VERSE_ENCODING}


def read_verse_matrix(path: Path, count: int, dim: int) -> np.ndarray:
    raw = path.read_bytes()
    q = np.frombuffer(raw[: count * dim], dtype=np.int8).reshape(count, dim).astype(np.float32)
    scale = np.frombuffer(raw[count * dim: count * dim + 4 * count], dtype="<f4")
    return q * scale[:, None]


def dynamic_int8_mlp(layers: list[tuple[np.ndarray, np.ndarray, str]], input_name: str, output_name: str,
                     in_dim: int, pre: tuple[np.ndarray, np.ndarray] | None = None, name: str = "mlp") -> onnx.ModelProto:
    """An MLP as an ONNX graph with int8 dynamic quantisation: each layer's input is quantised
    at run time (DynamicQuantizeLinear: uint8, per-tensor scale from the actual values), the
    weights are int8 per output channel, MatMulInteger multiplies, the result is rescaled to float.
    layers: (weight [out, in], bias [out], activation "relu" | "tanh" | "none").
    pre: optional (mean, std) standardisation applied to the input first (float)."""
    nodes, inits = [], []
    x = input_name
    if pre is not None:
        mean, std = pre
        inits += [numpy_helper.from_array(mean.astype(np.float32), "in_mean"), numpy_helper.from_array(std.astype(np.float32), "in_std")]
        nodes += [helper.make_node("Sub", [x, "in_mean"], ["centred"]), helper.make_node("Div", ["centred", "in_std"], ["standard"])]
        x = "standard"
    for i, (w, b, act) in enumerate(layers):
        w = np.asarray(w, dtype=np.float32)
        scale = np.maximum(np.abs(w).max(axis=1) / 127.0, 1e-12).astype(np.float32)  # per output channel
        wq = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8).T.copy()  # [in, out]
        p = f"l{i}_"
        inits += [numpy_helper.from_array(wq, p + "wq"), numpy_helper.from_array(np.zeros(w.shape[0], np.int8), p + "wzero"),
                  numpy_helper.from_array(scale, p + "wscale"), numpy_helper.from_array(np.asarray(b, np.float32), p + "bias")]
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [x], [p + "xq", p + "xscale", p + "xzero"]),
            helper.make_node("MatMulInteger", [p + "xq", p + "wq", p + "xzero", p + "wzero"], [p + "acc"]),
            helper.make_node("Cast", [p + "acc"], [p + "accf"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [p + "xscale", p + "wscale"], [p + "scale"]),
            helper.make_node("Mul", [p + "accf", p + "scale"], [p + "scaled"]),
            helper.make_node("Add", [p + "scaled", p + "bias"], [p + "pre"]),
        ]
        out = output_name if i == len(layers) - 1 else p + "out"
        if act == "relu":
            nodes.append(helper.make_node("Relu", [p + "pre"], [out]))
        elif act == "tanh":
            nodes.append(helper.make_node("Tanh", [p + "pre"], [out]))
        else:
            nodes.append(helper.make_node("Identity", [p + "pre"], [out]))
        x = out
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [1, in_dim])],
                              [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, [1, layers[-1][0].shape[0]])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="ayat")
    onnx.checker.check_model(model)
    return model


def dynamic_int8_reference(layers, x: np.ndarray, pre=None) -> np.ndarray:
    """What dynamic_int8_mlp computes, in numpy (the quantisation arithmetic of ONNX's
    DynamicQuantizeLinear: uint8, zero point rounded half to even, range always includes 0)."""
    x = np.asarray(x, np.float32)
    if pre is not None:
        x = (x - pre[0]) / pre[1]
    for w, b, act in layers:
        w = np.asarray(w, np.float32)
        scale = np.maximum(np.abs(w).max(axis=1) / 127.0, 1e-12).astype(np.float32)
        wq = np.clip(np.round(w / scale[:, None]), -127, 127)
        lo, hi = min(0.0, float(x.min())), max(0.0, float(x.max()))
        xs = np.float32((hi - lo) / 255.0) or np.float32(1.0)
        zp = np.clip(np.round(-lo / xs), 0, 255)
        xq = np.clip(np.round(x / xs) + zp, 0, 255)
        x = ((xq - zp) @ wq.T).astype(np.float32) * (xs * scale) + b
        x = np.maximum(x, 0) if act == "relu" else np.tanh(x) if act == "tanh" else x
    return x


def write_card(path: Path, card: dict) -> None:
    path.write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

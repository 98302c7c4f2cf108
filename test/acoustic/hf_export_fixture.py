"""Test fixture: an ayat model folder dressed as a transformers wav2vec2 CTC export.

No pretrained model can be downloaded where ayat is built, so the tests of huggingFace.ts and
unitMap.ts run a real acoustic model in that layout: ayat's own graph, its input renamed
`input_values`, its output `logits` over a wav2vec2-style vocabulary (specials, the letters in
another order, hamza seats, vowel marks, a Latin letter), every frame repeated `repeat` times
(20-ms frames for repeat 3, as wav2vec2 has).

usage: hf_export_fixture.py MODEL_DIR OUT_DIR REPEAT DO_NORMALIZE(true|false) [INPUT OUTPUT]
(graph names other than transformers' input_values and logits, as torch.onnx.export may give)
"""
import json
import os
import random
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# A token no column of ayat's model feeds gets this logit: nothing after log-softmax.
ABSENT = -200.0
SPECIALS = ['<pad>', '<s>', '</s>', '<unk>', '|']
EXTRAS = ['أ', 'إ', 'آ', 'ؤ', 'ئ', 'ٱ', 'َ', 'ُ', 'ِ', 'ّ', 'a']


def main(model_dir: str, out_dir: str, repeat: int, normalise: bool, input_name: str, output_name: str) -> None:
    with open(os.path.join(model_dir, 'card.json'), encoding='utf-8') as f:
        card = json.load(f)
    units = card['units']
    letters = units[1:]
    random.Random(7).shuffle(letters)
    tokens = SPECIALS + letters + EXTRAS
    source = [units.index(t) if t in units else 0 for t in tokens]
    offset = [0.0 if t == '<pad>' or t in units else ABSENT for t in tokens]

    model = onnx.load(os.path.join(model_dir, card['file']))
    graph = model.graph
    for node in graph.node:
        node.input[:] = [input_name if i == card['input'] else i for i in node.input]
    graph.input[0].name = input_name

    v = len(tokens)
    graph.initializer.extend([
        numpy_helper.from_array(np.array(source, dtype=np.int64), 'fixture_columns'),
        numpy_helper.from_array(np.array(offset, dtype=np.float32), 'fixture_offset'),
        numpy_helper.from_array(np.array([2], dtype=np.int64), 'fixture_axis'),
        numpy_helper.from_array(np.array([1, 1, repeat, 1], dtype=np.int64), 'fixture_repeats'),
        numpy_helper.from_array(np.array([1, -1, v], dtype=np.int64), 'fixture_shape'),
    ])
    graph.node.extend([
        helper.make_node('Gather', [card['output'], 'fixture_columns'], ['fixture_gathered'], axis=2),
        helper.make_node('Add', ['fixture_gathered', 'fixture_offset'], ['fixture_scored']),
        helper.make_node('Unsqueeze', ['fixture_scored', 'fixture_axis'], ['fixture_4d']),
        helper.make_node('Tile', ['fixture_4d', 'fixture_repeats'], ['fixture_tiled']),
        helper.make_node('Reshape', ['fixture_tiled', 'fixture_shape'], [output_name]),
    ])
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info(output_name, TensorProto.FLOAT, [1, 'frames', v]))
    onnx.checker.check_model(model)

    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, 'model.onnx'))
    hop = round(card['frame_shift_s'] * card['sample_rate'] / repeat)
    config = {
        'architectures': ['Wav2Vec2ForCTC'],
        'model_type': 'wav2vec2',
        'conv_stride': [hop],
        'pad_token_id': 0,
        'vocab_size': v,
        'transformers_version': 'fixture',
    }
    preprocessor = {'feature_extractor_type': 'Wav2Vec2FeatureExtractor', 'do_normalize': normalise, 'sampling_rate': 16000}
    files = {'config.json': config, 'preprocessor_config.json': preprocessor, 'vocab.json': {t: i for i, t in enumerate(tokens)}}
    for name, content in files.items():
        with open(os.path.join(out_dir, name), 'w', encoding='utf-8') as f:
            json.dump(content, f, ensure_ascii=False)


if __name__ == '__main__':
    names = sys.argv[5:7] if len(sys.argv) >= 7 else ['input_values', 'logits']
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == 'true', names[0], names[1])

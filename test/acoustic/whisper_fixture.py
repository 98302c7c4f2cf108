"""Test fixture: a Whisper-shaped model folder, as transformers.js reads one, that always says the same words.

No Whisper weights can be downloaded where ayat is built, so the tests of ayat's Whisper path run
this stand-in through the real transformers.js code: the config files, a byte-level BPE
tokenizer.json, onnx/encoder_model.onnx (log-mel [1, 80, 3000] -> states [1, 1500, 8]) and
onnx/decoder_model_merged.onnx. The decoder ignores the audio: each token's successor in SCRIPT
gets all the score, so generation after <|notimestamps|> writes SCRIPT's words, then
<|endoftext|>. Whatever the recording, the transcript is SCRIPT.

usage: whisper_fixture.py OUT_DIR WORD [WORD ...]   (the words, in order, none repeated)
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SPECIALS = ['<|endoftext|>', '<|startoftranscript|>', '<|en|>', '<|ar|>', '<|translate|>', '<|transcribe|>', '<|notimestamps|>']
STATE = 8


def byte_level(text: str) -> str:
    """GPT-2's byte-to-unicode mapping, as the ByteLevel decoder reverses it."""
    printable = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return ''.join(table[b] for b in text.encode('utf-8'))


def save(model: onnx.ModelProto, path: str) -> None:
    model.opset_import[0].version = 17
    onnx.checker.check_model(model)
    onnx.save(model, path)


def encoder(path: str) -> None:
    weight = np.full((STATE, 80, 1), 0.01, dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node('Conv', ['input_features', 'w'], ['conv'], strides=[2]),
         helper.make_node('Transpose', ['conv'], ['last_hidden_state'], perm=[0, 2, 1])],
        'encoder',
        [helper.make_tensor_value_info('input_features', TensorProto.FLOAT, ['batch', 80, 3000])],
        [helper.make_tensor_value_info('last_hidden_state', TensorProto.FLOAT, ['batch', 1500, STATE])],
        [numpy_helper.from_array(weight, 'w')],
    )
    save(helper.make_model(graph), path)


def decoder(path: str, successor: np.ndarray) -> None:
    v = successor.shape[0]
    graph = helper.make_graph(
        [helper.make_node('Gather', ['table', 'input_ids'], ['logits'], axis=0)],
        'decoder',
        [helper.make_tensor_value_info('input_ids', TensorProto.INT64, ['batch', 'tokens']),
         helper.make_tensor_value_info('encoder_hidden_states', TensorProto.FLOAT, ['batch', 1500, STATE])],
        [helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['batch', 'tokens', v])],
        [numpy_helper.from_array(successor, 'table')],
    )
    save(helper.make_model(graph), path)


def main(out_dir: str, words: list[str]) -> None:
    tokens = [byte_level(' ' + w) for w in words]
    if len(set(tokens)) != len(tokens):
        raise SystemExit('the words must not repeat: each token has one successor')
    ids = {t: i for i, t in enumerate(tokens)}
    special = {s: len(tokens) + i for i, s in enumerate(SPECIALS)}
    v = len(tokens) + len(SPECIALS)

    successor = np.zeros((v, v), dtype=np.float32)
    chain = [special['<|notimestamps|>']] + list(range(len(tokens))) + [special['<|endoftext|>']]
    for a, b in zip(chain, chain[1:]):
        successor[a, b] = 30.0
    successor[special['<|endoftext|>'], special['<|endoftext|>']] = 30.0

    os.makedirs(os.path.join(out_dir, 'onnx'), exist_ok=True)
    encoder(os.path.join(out_dir, 'onnx', 'encoder_model.onnx'))
    decoder(os.path.join(out_dir, 'onnx', 'decoder_model_merged.onnx'), successor)

    eot, sot = special['<|endoftext|>'], special['<|startoftranscript|>']
    config = {
        'architectures': ['WhisperForConditionalGeneration'], 'model_type': 'whisper', 'is_encoder_decoder': True,
        'd_model': STATE, 'encoder_layers': 1, 'decoder_layers': 1, 'encoder_attention_heads': 1,
        'decoder_attention_heads': 1, 'num_mel_bins': 80, 'vocab_size': v, 'max_source_positions': 1500,
        'max_target_positions': 448, 'decoder_start_token_id': sot, 'eos_token_id': eot, 'pad_token_id': eot,
        'bos_token_id': eot, 'use_cache': False,
    }
    generation = {
        'decoder_start_token_id': sot, 'eos_token_id': eot, 'pad_token_id': eot, 'bos_token_id': eot,
        'is_multilingual': True, 'lang_to_id': {'<|en|>': special['<|en|>'], '<|ar|>': special['<|ar|>']},
        'task_to_id': {'translate': special['<|translate|>'], 'transcribe': special['<|transcribe|>']},
        'no_timestamps_token_id': special['<|notimestamps|>'], 'max_length': 448, 'suppress_tokens': [],
        'begin_suppress_tokens': [],
    }
    preprocessor = {
        'feature_extractor_type': 'WhisperFeatureExtractor', 'processor_class': 'WhisperProcessor', 'feature_size': 80,
        'hop_length': 160, 'n_fft': 400, 'n_samples': 480000, 'nb_max_frames': 3000, 'chunk_length': 30,
        'sampling_rate': 16000, 'padding_value': 0.0, 'return_attention_mask': False,
    }
    added = [{'id': special[s], 'content': s, 'single_word': False, 'lstrip': False, 'rstrip': False,
              'normalized': False, 'special': True} for s in SPECIALS]
    tokenizer = {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': added, 'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        'post_processor': None,
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': '',
                  'end_of_word_suffix': '', 'fuse_unk': False, 'byte_fallback': False, 'vocab': ids, 'merges': []},
    }
    tokenizer_config = {'tokenizer_class': 'WhisperTokenizer', 'bos_token': '<|endoftext|>', 'eos_token': '<|endoftext|>',
                        'unk_token': '<|endoftext|>', 'pad_token': '<|endoftext|>', 'model_max_length': 1024}
    files = {'config.json': config, 'generation_config.json': generation, 'preprocessor_config.json': preprocessor,
             'tokenizer.json': tokenizer, 'tokenizer_config.json': tokenizer_config}
    for name, content in files.items():
        with open(os.path.join(out_dir, name), 'w', encoding='utf-8') as f:
            json.dump(content, f, ensure_ascii=False)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])

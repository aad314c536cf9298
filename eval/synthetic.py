"""Synthetic collections for scale benchmarks: passages recombined from report sentences, and vectors.

Passages: each synthetic passage recombines 2–5 sentences of one language (Chinese sentences of
the bundled report, or English renderings of them) under a heading of that language, labelled
like a report paragraph ("SYN-000042", "17"). They feed the lexical index at scale and measure
embedding throughput on realistic lengths.

Vectors: embedding a million passages takes hours on 2 cores, so the ANN benchmark uses vectors
drawn around real passage embeddings ("anchors"): topics are mixtures of two anchors, points are
topics plus noise in the anchors' principal subspace plus a little isotropic noise, then
L2-normalised. Like real embeddings they are anisotropic, clustered at several scales, and get
denser as the collection grows, so recall against exact search means something (uniform random
vectors on the sphere would make every ANN index look bad and every neighbour equidistant).

    corpus = synthetic_corpus(100_000, report_sentences())
    p = corpus.passage(41)                           # a Passage
    vecs = synthetic_vectors(anchors, 1_000_000)     # (1M, dim) float32, unit norm
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from ingest.charsets import SUPERSCRIPTS
from ingest.passage import Passage

PASSAGES_PER_DOC = 200
MAX_PARTS = 5
ENGLISH_SHARE = 0.3

# English renderings of sentences and headings of CB(2)1292/2025, so synthetic passages mix
# both languages as a bilingual collection of Council reports would.
ENGLISH_HEADINGS = (
    "Purpose", "Background", "The Subcommittee", "Deliberations of the Subcommittee",
    "Digital infrastructure for smart city development", "Security of computer systems of critical infrastructures",
    "Consented Data Exchange Gateway and data sharing", "Artificial Intelligence Supercomputing Centre",
    "Governance and development of artificial intelligence", "Regional cooperation in smart city development",
    "Cross-boundary services", "Smart healthcare", "Smart mobility", "Disaster prevention and rescue",
    "Talent training", "Digital inclusion", "Smart environment", "Recommendations",
)
ENGLISH_SENTENCES = (
    "This paper reports on the deliberations of the Subcommittee on Smart City Development.",
    "The Administration promulgated the first Hong Kong Smart City Blueprint in 2017 and Blueprint 2.0 in 2020.",
    "Blueprint 2.0 puts forward more than 130 smart city initiatives.",
    "The Hong Kong Innovation and Technology Development Blueprint was announced on 22 December 2022.",
    "It sets out a clear development path for innovation and technology over the next five to ten years.",
    "The Administration said it would continue to implement the measures that benefit the public and businesses.",
    "The House Committee appointed the Subcommittee on 8 April 2022 to study matters relating to smart city development.",
    "The Subcommittee held nine meetings since it commenced work in June 2024.",
    "iAM Smart is a mobile application that lets users access online services of government departments.",
    "The Digital Policy Office formulates policies on digital government, data governance and information technology.",
    "Members were concerned whether the digital infrastructure could support the development of a smart city.",
    "The Protection of Critical Infrastructures (Computer Systems) Bill was introduced into the Legislative Council.",
    "Government departments providing essential services must comply with the Government IT Security Policy and Guidelines.",
    "The Digital Policy Office will strengthen regular security risk assessments and audits of information systems.",
    "The Legislative Council passed the Bill on 19 March 2025.",
    "Members enquired about the Consented Data Exchange Gateway and the sharing of data within the Government.",
    "The Gateway reduces the need for citizens to provide the same personal data repeatedly.",
    "Members asked how banks share the credit records of small and medium enterprises.",
    "The first phase of the Artificial Intelligence Supercomputing Centre at Cyberport commenced service in December 2024.",
    "The Centre mainly supports local universities, research institutions and enterprises in research and development.",
    "Computing power is measured in petaflops, one thousand trillion floating point operations per second.",
    "Members were concerned that artificial intelligence consumes a great deal of electricity.",
    "High electricity costs would reduce the willingness of enterprises to use local computing services.",
    "Members suggested a legal framework to regulate the application of artificial intelligence.",
    "The Hong Kong Generative Artificial Intelligence Technical and Application Guideline was published in April 2025.",
    "Members asked about the progress of the generative AI document assistant and suggested opening it to the public.",
    "The HKSAR Government and the Guangdong Provincial Government signed a framework agreement on smart city cooperation in 2023.",
    "Members urged the Administration to plan digital infrastructure together with Mainland cities in the Greater Bay Area.",
    "Members suggested planning a city brain for Hong Kong to connect smart transport across the Greater Bay Area.",
    "Members asked how to raise the usage of cross-boundary government services through iAM Smart.",
    "Members were concerned about how personal data privacy is protected in cross-boundary data flows.",
    "Members suggested expanding eHealth so that Hong Kong residents can use their health records in Mainland hospitals.",
    "Private healthcare providers joining public-private partnership programmes must upload records to eHealth.",
    "Members recommended integrating the functions of eHealth and the HA Go mobile application.",
    "Members suggested wider use of artificial intelligence in the daily diagnosis and treatment of hospitals.",
    "Members were concerned about the progress of trials of autonomous vehicles.",
    "The Road Traffic (Amendment) (Autonomous Vehicles) Ordinance 2023 was completed in May 2023.",
    "Members urged the Administration to draw up a roadmap for autonomous driving technology.",
    "The Transport Department is installing real-time adaptive traffic signal systems at busy junctions.",
    "Members suggested enhancing HKeMobility to make travel more convenient for the public.",
    "Members suggested using drones to assess the risk of landslides and to publish the information.",
    "The Hong Kong Police Force launched the HKSOS mobile application to assist search and rescue in the countryside.",
    "Members were concerned whether local talent training could meet the needs of smart city development.",
    "Members suggested training teachers and school management in artificial intelligence.",
    "Members urged the Administration to formulate a strategy for the development of artificial intelligence.",
    "The Employees Retraining Board is being reformed to provide training in new skills, including innovation and technology.",
    "Members considered that digital inclusion measures should help the elderly use digital technology.",
    "The Digital Policy Office published guidelines on elderly-friendly websites and mobile applications at the end of 2023.",
    "Members suggested extending effective technologies to more areas of environmental management.",
    "Members suggested integrating environmental data to strengthen nature conservation.",
    "Smart recycling facilities and the GREEN$ electronic points scheme encourage the public to recycle.",
    "Members considered that the Government should strengthen the overall planning and top-level design of the smart city.",
    "The Administration will give priority to the measures in the Innovation and Technology Blueprint and Blueprint 2.0.",
)


@dataclass(frozen=True)
class Sentences:
    """Sentence and heading pools per language, the material synthetic passages are made of."""

    zh: tuple[str, ...]
    en: tuple[str, ...]
    headings_zh: tuple[str, ...]
    headings_en: tuple[str, ...]

    def pool(self, lang: int) -> tuple[str, ...]:
        return self.en if lang else self.zh

    def headings(self, lang: int) -> tuple[str, ...]:
        return self.headings_en if lang else self.headings_zh


_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|\*\*")
_NUMBERED = re.compile(rf"^\s*(\d+\.|[{SUPERSCRIPTS}]+)\s*")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


def split_report(text: str) -> tuple[list[str], list[str]]:
    """Chinese sentences and headings of a report's plain text (markdown links and bold removed).

    >>> split_report("背景\\n\\n2. 政府當局表示會跟進。委員察悉有關安排。")
    (['政府當局表示會跟進。', '委員察悉有關安排。'], ['背景'])
    """
    sentences, headings = [], []
    for line in text.splitlines():
        line = _MARKUP.sub(lambda m: m.group(1) or "", line).strip()
        if not line:
            continue
        if len(line) <= 30 and not _NUMBERED.match(line) and not re.search(r"[。：:]", line):
            headings.append(line)
            continue
        body = _NUMBERED.sub("", line)
        sentences += [s.strip() for s in _SENTENCE_END.split(body) if len(s.strip()) >= 8]
    return sentences, headings


def report_sentences(path: Path | None = None) -> Sentences:
    """The sentence pools from a report file (default: the bundled report) plus the English renderings."""
    from index.defaults import BUNDLED_REPORT

    zh, headings = split_report(Path(path or BUNDLED_REPORT).read_text(encoding="utf-8"))
    headings = [h for h in headings if not re.search(r"[A-Za-z]", h)]  # the English masthead line
    if not zh:
        raise ValueError(f"no sentences found in '{path or BUNDLED_REPORT}': give a report in plain text")
    return Sentences(tuple(zh), ENGLISH_SENTENCES, tuple(headings) or ("報告",), ENGLISH_HEADINGS)


@dataclass(frozen=True)
class SyntheticCorpus:
    """n synthetic passages as a compact plan (which sentences each recombines); materialised on demand."""

    sentences: Sentences
    lang: np.ndarray  # (n,) 0 = Chinese, 1 = English
    heading: np.ndarray  # (n,) index into the language's headings
    parts: np.ndarray  # (n, MAX_PARTS) sentence indices into the language's pool, -1 = none

    def __len__(self) -> int:
        return len(self.lang)

    def label(self, i: int) -> tuple[str, str]:
        """(doc id, paragraph label) of passage i: 200 numbered paragraphs per synthetic report."""
        return f"SYN-{i // PASSAGES_PER_DOC:06d}", str(i % PASSAGES_PER_DOC + 1)

    def text(self, i: int) -> str:
        lang = int(self.lang[i])
        pool = self.sentences.pool(lang)
        return (" " if lang else "").join(pool[j] for j in self.parts[i] if j >= 0)

    def passage(self, i: int) -> Passage:
        doc, label = self.label(i)
        lang = int(self.lang[i])
        return Passage(doc=doc, label=label, section=(self.sentences.headings(lang)[self.heading[i]],),
                       text=self.text(i))

    def passages(self, start: int = 0, stop: int | None = None) -> list[Passage]:
        return [self.passage(i) for i in range(start, len(self) if stop is None else min(stop, len(self)))]

    def token_lists(self, tokenize: Callable[[str], list[str]]) -> Iterator[list[str]]:
        """Tokens of heading + text per passage, tokenising each distinct sentence once (fast at 1M)."""
        cache = {}

        def tok(lang: int, kind: str, j: int) -> list[str]:
            key = (lang, kind, j)
            if key not in cache:
                source = self.sentences.headings(lang) if kind == "h" else self.sentences.pool(lang)
                cache[key] = tokenize(source[j])
            return cache[key]

        for i in range(len(self)):
            lang = int(self.lang[i])
            out = list(tok(lang, "h", int(self.heading[i])))
            for j in self.parts[i]:
                if j >= 0:
                    out += tok(lang, "s", int(j))
            yield out

    def names(self) -> frozenset[str]:
        """The Latin-script words of every passage (index.key_table.passage_words), read from each
        distinct sentence and heading once: a passage joins its sentences with a space or none."""
        from index.key_table import latin_words

        used = {(int(lang), int(j)) for lang, row in zip(self.lang, self.parts) for j in row if j >= 0}
        headings = {(int(lang), int(h)) for lang, h in zip(self.lang, self.heading)}
        return frozenset().union(*(latin_words(self.sentences.pool(lang)[j]) for lang, j in used),
                                 *(latin_words(self.sentences.headings(lang)[h]) for lang, h in headings))

    @cached_property
    def lengths(self) -> np.ndarray:
        """Characters per passage text."""
        return np.array([len(self.text(i)) for i in range(len(self))])


def synthetic_corpus(n: int, sentences: Sentences, seed: int = 0) -> SyntheticCorpus:
    """A plan of n passages: language (30 % English), a heading, and 2–5 sentences of that language."""
    if n < 0:
        raise ValueError(f"cannot make {n} passages: give a size of 0 or more")
    rng = np.random.default_rng(seed)
    lang = (rng.random(n) < ENGLISH_SHARE).astype(np.uint8)
    counts = rng.integers(2, MAX_PARTS + 1, n)
    pool_sizes = np.where(lang == 1, len(sentences.en), len(sentences.zh))
    heading_sizes = np.where(lang == 1, len(sentences.headings_en), len(sentences.headings_zh))
    # Consecutive sentences most of the time (as paragraphs read), a random jump otherwise.
    start = (rng.random(n) * pool_sizes).astype(np.int64)
    steps = np.where(rng.random((n, MAX_PARTS)) < 0.7, 1, (rng.random((n, MAX_PARTS)) * 50).astype(np.int64) + 2)
    steps[:, 0] = 0
    parts = (start[:, None] + np.cumsum(steps, axis=1)) % pool_sizes[:, None]
    parts = np.where(np.arange(MAX_PARTS)[None, :] < counts[:, None], parts, -1).astype(np.int32)
    heading = (rng.random(n) * heading_sizes).astype(np.int32)
    return SyntheticCorpus(sentences, lang, heading, parts)


def length_sorted(texts: list[str]) -> list[int]:
    """Order that batches texts of similar length together (less padding per batch)."""
    return sorted(range(len(texts)), key=lambda i: len(texts[i]))


# --- vectors ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class VectorModel:
    """How synthetic vectors are drawn around anchors (see the module docstring)."""

    topic_noise: float = 0.3  # subspace noise of a topic, relative to the anchors' spread
    point_noise: float = 0.6  # subspace noise of a point around its topic
    isotropic: float = 0.005  # per-dimension isotropic noise
    rank: int = 64  # dimension of the principal subspace the noise lives in
    points_per_topic: int = 5


def _basis(anchors: np.ndarray, rank: int) -> tuple[np.ndarray, np.ndarray]:
    """Principal directions of the anchors and their standard deviations."""
    centred = anchors - anchors.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    r = min(rank, len(s))
    return vt[:r].astype(np.float32), (s[:r] / np.sqrt(max(1, len(anchors) - 1))).astype(np.float32)


def _topics(anchors: np.ndarray, collection: int, seed: int, model: VectorModel):
    """Topic centres of a collection of `collection` vectors, with the noise basis: mixtures of two anchors."""
    anchors = np.asarray(anchors, dtype=np.float32)
    if anchors.ndim != 2 or len(anchors) < 2:
        raise ValueError(f"need at least 2 anchor embeddings (rows), got shape {anchors.shape}")
    basis, sd = _basis(anchors, model.rank)
    rng = np.random.default_rng([seed, 1])  # topics depend on the collection's seed and size only
    n_topics = max(1, -(-collection // model.points_per_topic))
    a, b = rng.integers(0, len(anchors), (2, n_topics))
    w = rng.beta(2, 2, n_topics).astype(np.float32)[:, None]
    topics = w * anchors[a] + (1 - w) * anchors[b]
    topics += (rng.standard_normal((n_topics, len(sd))).astype(np.float32) * sd * model.topic_noise) @ basis
    return topics, basis, sd


def _points(topics, basis, sd, m: int, rng, model: VectorModel) -> np.ndarray:
    """m unit vectors around randomly chosen topics."""
    x = topics[rng.integers(0, len(topics), m)]
    x += (rng.standard_normal((m, len(sd)), dtype=np.float32) * sd * model.point_noise) @ basis
    x += rng.standard_normal((m, topics.shape[1]), dtype=np.float32) * model.isotropic
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def synthetic_vectors(anchors: np.ndarray, n: int, seed: int = 0, model: VectorModel = VectorModel(),
                      block: int = 1 << 16) -> np.ndarray:
    """n unit vectors drawn around `anchors` (real embeddings, one per row), deterministic in seed."""
    topics, basis, sd = _topics(anchors, n, seed, model)
    out = np.empty((n, topics.shape[1]), dtype=np.float32)
    rng = np.random.default_rng([seed, 2])
    for start in range(0, n, block):
        m = min(block, n - start)
        out[start:start + m] = _points(topics, basis, sd, m, rng, model)
    return out


def synthetic_queries(anchors: np.ndarray, collection: int, m: int, seed: int = 0,
                      model: VectorModel = VectorModel()) -> np.ndarray:
    """m query vectors from the topics of `synthetic_vectors(anchors, collection, seed)`, not in it."""
    topics, basis, sd = _topics(anchors, collection, seed, model)
    return _points(topics, basis, sd, m, np.random.default_rng([seed, 3]), model)


def neighbour_cosines(vectors: np.ndarray, sample: int = 500, seed: int = 0) -> dict:
    """Mean cosine of a sample's nearest other vector and of random pairs: compares synthetic to real."""
    vectors = np.asarray(vectors, dtype=np.float32)
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(vectors), min(sample, len(vectors)), replace=False)
    sims = vectors[idx] @ vectors.T
    sims[np.arange(len(idx)), idx] = -np.inf
    pairs = rng.integers(0, len(vectors), (2, 2000))
    keep = pairs[0] != pairs[1]
    random = np.einsum("ij,ij->i", vectors[pairs[0][keep]], vectors[pairs[1][keep]])
    return {"nearest": round(float(sims.max(axis=1).mean()), 4), "random_pair": round(float(random.mean()), 4)}

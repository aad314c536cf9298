"""A library of papers in one index: add, docs, remove, ask --doc, and bilingual pairs."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import index.embed
from assistant.cli import main
from index.build import build, collect_passages
from index.library import add, entries, parallels, remove
from index.store import file_sha256, load_index, stored_vectors
from fakes import CountingEmbedder

FIXTURES = Path(__file__).parent / "fixtures"
ZH = FIXTURES / "mini-report.zh-Hant.txt"
EN = FIXTURES / "mini-report.en.txt"
PAPER = "CB(4)345/2024"


def paper(folder: Path, number: str, source: Path = ZH) -> Path:
    """A copy of a fixture report under another paper number (no sidecar: the number is read from the text)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{number.replace('/', '-').replace('(', '').replace(')', '')}{''.join(source.suffixes)}"
    path.write_text(source.read_text(encoding="utf-8").replace(PAPER, number), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): file_sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def library(tmp_path):
    """An index of two papers added one at a time: (folder, embedder, [path1, path2])."""
    embedder = CountingEmbedder()
    paths = [paper(tmp_path / "papers", "CB(4)1/2024"), paper(tmp_path / "papers", "CB(4)2/2024")]
    for path in paths:
        add([path], tmp_path / "idx", embedder, progress=False)
    return tmp_path / "idx", embedder, paths


@pytest.fixture
def fake_model(monkeypatch):
    """The CLI loads the counting embedder instead of the real model."""
    embedder = CountingEmbedder()
    monkeypatch.setattr(index.embed, "load_embedder", lambda name=None: embedder)
    return embedder


# ---- add ---------------------------------------------------------------------------------------

def test_add_to_a_folder_with_no_index_creates_one(tmp_path):
    change = add([paper(tmp_path, "CB(4)1/2024")], tmp_path / "idx", CountingEmbedder(), progress=False)
    assert change.created
    assert [d.doc_id for d in load_index(tmp_path / "idx").versions] == ["CB(4)1/2024"]


def test_add_embeds_only_the_new_papers_chunks(library, tmp_path):
    folder, _, _ = library
    new = paper(tmp_path / "papers", "CB(4)3/2024")
    _, _, own_chunks = collect_passages([new])
    embedder = CountingEmbedder()
    change = add([new], folder, embedder, progress=False)
    # The library already holds two papers' chunks; only the third's are embedded.
    assert change.embedded == len(embedder.embedded) == len({c.id for c in own_chunks})
    assert load_index(folder).manifest["chunks"] == 3 * len(own_chunks)
    assert [d.doc_id for d in load_index(folder).versions] == ["CB(4)1/2024", "CB(4)2/2024", "CB(4)3/2024"]


def test_adding_papers_one_by_one_gives_the_index_a_single_build_gives(library, tmp_path):
    folder, _, paths = library
    built = load_index(build(paths, tmp_path / "built", CountingEmbedder(), progress=False).folder)
    added = load_index(folder)
    assert added.passages == built.passages and added.chunks == built.chunks
    assert all(np.array_equal(v, stored_vectors(built)[k]) for k, v in stored_vectors(added).items())
    tokens = ["海濱", "單車徑"]
    assert np.allclose(added.lexical.scores(tokens), built.lexical.scores(tokens))


def test_add_takes_the_other_papers_from_the_index_not_their_moved_sources(library, tmp_path):
    folder, _, paths = library
    before = load_index(folder)
    paths[0].unlink()  # its source has moved
    add([paper(tmp_path / "more", "CB(4)3/2024")], folder, CountingEmbedder(), progress=False)
    after = load_index(folder)
    assert [p for p in after.passages if p.doc == "CB(4)1/2024"] == [p for p in before.passages
                                                                      if p.doc == "CB(4)1/2024"]
    first = next(d for d in after.versions if d.doc_id == "CB(4)1/2024")
    assert first.checksum == next(d for d in before.versions if d.doc_id == "CB(4)1/2024").checksum != ""


def test_the_manifest_lists_each_document_with_its_metadata_and_source_checksum(library):
    folder, _, paths = library
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    first = manifest["documents"][0]
    assert {"doc_id", "title", "date", "lang", "committee", "sha256", "source", "passages"} <= set(first)
    assert (first["doc_id"], first["lang"], first["date"]) == ("CB(4)1/2024", "zh-Hant", "2024-02-28")
    assert first["committee"] == "研究海濱發展事宜小組委員會"
    assert first["sha256"] == file_sha256(paths[0])


# ---- docs --------------------------------------------------------------------------------------

def test_docs_lists_id_title_date_language_committee_and_passage_count(library, capsys):
    folder, _, _ = library
    code, out, _ = run_cli(capsys, "docs", "--index", folder, "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["doc_id"] for r in rows] == ["CB(4)1/2024", "CB(4)2/2024"]
    passages = load_index(folder).passages
    assert rows[0]["passages"] == sum(p.doc == "CB(4)1/2024" for p in passages) > 10
    assert rows[0]["title"] == "研究海濱發展事宜小組委員會報告"
    assert (rows[0]["lang"], rows[0]["date"], rows[0]["committee"]) == ("zh-Hant", "2024-02-28",
                                                                         "研究海濱發展事宜小組委員會")


def test_docs_as_text_is_one_line_per_document(library, capsys):
    folder, _, _ = library
    code, out, _ = run_cli(capsys, "docs", "--index", folder)
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == ["CB(4)1/2024", "CB(4)2/2024"]


# ---- remove ------------------------------------------------------------------------------------

def test_remove_drops_that_papers_passages_and_keeps_the_others_vectors(library):
    folder, _, _ = library
    before = stored_vectors(load_index(folder))
    change = remove(folder, "CB(4)1/2024")
    after = load_index(folder)
    assert [d.doc_id for d in change.documents] == ["CB(4)1/2024"]
    assert {p.doc for p in after.passages} == {"CB(4)2/2024"}
    assert all(np.array_equal(v, before[k]) for k, v in stored_vectors(after).items())
    assert [e.document.doc_id for e in entries(after)] == ["CB(4)2/2024"]
    assert len(after.lexical) == len(after.chunks)


def test_remove_then_add_again_round_trips(library):
    folder, _, paths = library
    remove(folder, "CB(4)1/2024")
    embedder = CountingEmbedder()
    add([paths[0]], folder, embedder, progress=False)
    assert sorted(d.doc_id for d in load_index(folder).versions) == ["CB(4)1/2024", "CB(4)2/2024"]


def test_remove_through_the_cli(library, capsys):
    folder, _, _ = library
    code, _, err = run_cli(capsys, "remove", "CB(4)2/2024", "--index", folder)
    assert code == 0 and "removed CB(4)2/2024" in err
    assert [d.doc_id for d in load_index(folder).versions] == ["CB(4)1/2024"]


# ---- bilingual pairs ---------------------------------------------------------------------------

def test_a_chinese_and_an_english_version_share_one_paper_number(tmp_path):
    add([ZH, EN], tmp_path / "idx", CountingEmbedder(), progress=False)
    versions = load_index(tmp_path / "idx").versions
    assert [(d.doc_id, d.lang) for d in versions] == [(PAPER, "zh-Hant"), (PAPER, "en")]


def test_passages_with_the_same_label_in_the_two_versions_are_paired(tmp_path):
    add([ZH], tmp_path / "idx", CountingEmbedder(), progress=False)
    add([EN], tmp_path / "idx", CountingEmbedder(), progress=False)
    passages = load_index(tmp_path / "idx").passages
    pairs = parallels(passages)
    zh15 = next(p for p in passages if p.label == "4" and p.lang == "zh-Hant")
    assert pairs[(PAPER, "4", "zh-Hant")].text.startswith("Members were concerned about the continuity")
    assert pairs[(PAPER, "4", "en")] == zh15
    assert pairs[(PAPER, "fn2", "en")].text == "工程合約編號為CV/2023/01。"


def test_a_paper_in_one_language_has_no_parallels(library):
    folder, _, _ = library
    assert parallels(load_index(folder).passages) == {}


def test_passages_json_rows_gain_parallel_only_when_both_versions_are_given(capsys):
    code, out, _ = run_cli(capsys, "passages", ZH, EN, "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    by_key = {(r["lang"], r["label"]): r for r in rows}
    assert by_key[("en", "9(a)")]["parallel"] == {"lang": "zh-Hant", "text": "於2023年5月2日參觀中環海濱；及"}
    assert by_key[("zh-Hant", "12")]["parallel"]["lang"] == "en"
    assert by_key[("zh-Hant", "12")]["doc"] == by_key[("en", "12")]["doc"] == PAPER
    code, out, _ = run_cli(capsys, "passages", ZH, "--json")
    assert all("parallel" not in json.loads(line) for line in out.splitlines())


def test_remove_with_lang_takes_out_one_version_of_a_pair(tmp_path):
    add([ZH, EN], tmp_path / "idx", CountingEmbedder(), progress=False)
    remove(tmp_path / "idx", PAPER, "en")
    index = load_index(tmp_path / "idx")
    assert [(d.doc_id, d.lang) for d in index.versions] == [(PAPER, "zh-Hant")]
    assert {p.lang for p in index.passages} == {"zh-Hant"}


# ---- bad input: one line naming the file or id and the fix; nothing indexed is touched ------------

def test_a_duplicate_paper_number_in_the_same_language_is_refused(library, tmp_path, capsys, fake_model):
    folder, _, _ = library
    before = snapshot(folder)
    twin = paper(tmp_path / "twin", "CB(4)2/2024")
    code, _, err = run_cli(capsys, "add", twin, "--index", folder)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert str(twin) in err and "CB(4)2/2024" in err and "legco-rag remove" in err
    assert snapshot(folder) == before
    assert fake_model.embedded == []


def test_two_files_with_one_paper_number_and_language_in_one_add_are_refused(tmp_path, capsys, fake_model):
    a, b = paper(tmp_path / "a", "CB(4)9/2024"), paper(tmp_path / "b", "CB(4)9/2024")
    code, _, err = run_cli(capsys, "add", a, b, "--index", tmp_path / "idx")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "index each report once" in err
    assert not (tmp_path / "idx").exists()


def test_removing_an_unknown_id_is_refused(library, capsys):
    folder, _, _ = library
    before = snapshot(folder)
    code, _, err = run_cli(capsys, "remove", "CB(9)999/2099", "--index", folder)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "CB(9)999/2099" in err and "legco-rag docs" in err
    assert snapshot(folder) == before


def test_removing_the_only_document_is_refused(tmp_path, capsys):
    add([paper(tmp_path, "CB(4)1/2024")], tmp_path / "idx", CountingEmbedder(), progress=False)
    before = snapshot(tmp_path / "idx")
    code, _, err = run_cli(capsys, "remove", "CB(4)1/2024", "--index", tmp_path / "idx")
    assert code == 2 and "only document" in err
    assert snapshot(tmp_path / "idx") == before


def test_add_to_a_folder_that_is_not_an_index_is_refused(tmp_path, capsys, fake_model):
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run_cli(capsys, "add", paper(tmp_path, "CB(4)1/2024"), "--index", tmp_path / "stuff")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert (tmp_path / "stuff" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_docs_of_a_missing_index_says_how_to_make_one(tmp_path, capsys):
    code, _, err = run_cli(capsys, "docs", "--index", tmp_path / "none")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "legco-rag build" in err


# ---- asking a library ----------------------------------------------------------------------------

def retriever_over(folder: Path):
    from assistant.retrieve import Retriever

    return Retriever(load_index(folder), CountingEmbedder())


def test_a_search_restricted_to_one_paper_returns_k_passages_of_that_paper_only(library):
    folder, _, _ = library
    result = retriever_over(folder).search("委員關注單車徑的連貫性", k=5, docs=("CB(4)2/2024",))
    assert len(result.hits) == 5
    assert {h.passage.doc for h in result.hits} == {"CB(4)2/2024"}


def test_a_named_paragraph_is_looked_up_in_the_chosen_paper_only(library):
    folder, _, _ = library
    result = retriever_over(folder).search("第4段", k=3, docs=("CB(4)1/2024",))
    assert (result.hits[0].passage.doc, result.hits[0].passage.label, result.hits[0].via) == ("CB(4)1/2024", "4",
                                                                                              "lookup")
    assert all(h.passage.doc == "CB(4)1/2024" for h in result.hits)


def test_ask_doc_restricts_the_citations(library, capsys, fake_model):
    folder, _, _ = library
    code, out, _ = run_cli(capsys, "ask", "海濱管理模式", "--index", folder, "--json", "--doc", "CB(4)1/2024")
    assert code == 0
    citations = json.loads(out)["citations"]
    assert citations and {c["doc"] for c in citations} == {"CB(4)1/2024"}


def test_ask_doc_is_repeatable(library, tmp_path, capsys, fake_model):
    folder, _, _ = library
    add([paper(tmp_path / "more", "CB(4)3/2024")], folder, CountingEmbedder(), progress=False)
    code, out, _ = run_cli(capsys, "ask", "海濱管理模式", "--index", folder, "--json", "--k", "10",
                           "--doc", "CB(4)1/2024", "--doc", "CB(4)3/2024")
    assert code == 0
    assert {c["doc"] for c in json.loads(out)["citations"]} == {"CB(4)1/2024", "CB(4)3/2024"}


def test_ask_doc_naming_a_paper_that_is_not_indexed_is_refused(library, capsys, fake_model):
    folder, _, _ = library
    code, out, err = run_cli(capsys, "ask", "海濱管理模式", "--index", folder, "--doc", "CB(4)7/2024")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "CB(4)7/2024" in err and "legco-rag docs" in err


def test_every_citation_names_its_paper_when_the_library_holds_more_than_one(library, capsys, fake_model):
    folder, _, _ = library
    code, out, _ = run_cli(capsys, "ask", "第7段", "--index", folder, "--doc", "CB(4)1/2024")
    assert code == 0
    assert "CB(4)1/2024" in out.split("\n\n")[0]  # the answer's own citations, all from one paper


def test_a_citation_of_a_single_paper_index_does_not_repeat_its_id(tmp_path, capsys, fake_model):
    add([paper(tmp_path, "CB(4)1/2024")], tmp_path / "idx", fake_model, progress=False)
    code, out, _ = run_cli(capsys, "ask", "第7段", "--index", tmp_path / "idx")
    assert code == 0
    assert "CB(4)1/2024" not in out


def test_an_english_question_is_answered_from_the_english_version_once_per_paragraph(tmp_path):
    add([ZH, EN], tmp_path / "idx", CountingEmbedder(), progress=False)
    result = retriever_over(tmp_path / "idx").search("public-private partnership for harbourfront sites", k=5)
    assert result.hits[0].passage.lang == "en"
    keys = [(h.passage.doc, h.passage.label) for h in result.hits]
    assert len(keys) == len(set(keys))  # a paragraph once, not once per language
    assert all(c["doc"] == PAPER for c in result.to_json()["citations"])


def test_a_chinese_question_is_answered_from_the_chinese_version(tmp_path):
    add([ZH, EN], tmp_path / "idx", CountingEmbedder(), progress=False)
    result = retriever_over(tmp_path / "idx").search("公私營合作模式", k=3)
    assert result.hits[0].passage.lang == "zh-Hant"


# ---- the app over a library ----------------------------------------------------------------------

def test_the_citation_panel_shows_the_other_languages_paragraph_beside_the_cited_one(tmp_path):
    from assistant import render

    add([ZH, EN], tmp_path / "idx", CountingEmbedder(), progress=False)
    passages = load_index(tmp_path / "idx").passages
    zh7 = next(p for p in passages if p.label == "7" and p.lang == "zh-Hant")
    html = render.passage_html(zh7, parallel=parallels(passages)[(PAPER, "7", "zh-Hant")])
    assert 'lang="en"' in html and "Members suggested a public-private partnership model" in html
    assert "panel-parallel" not in render.passage_html(zh7)


def test_the_app_builds_over_a_bilingual_library_with_a_paper_picker(tmp_path):
    from app import build_app

    add([ZH, EN], tmp_path / "idx", CountingEmbedder(), progress=False)
    add([paper(tmp_path, "CB(4)1/2024")], tmp_path / "idx", CountingEmbedder(), progress=False)
    demo = build_app(retriever_over(tmp_path / "idx"))
    pickers = {c.elem_id: c for c in demo.blocks.values() if getattr(c, "elem_id", None) in ("doc-pick", "browse-doc")}
    assert [value for _, value in pickers["doc-pick"].choices] == [PAPER, "CB(4)1/2024"]
    assert len(pickers["browse-doc"].choices) == 4  # all, then each language version

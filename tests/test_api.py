"""The running app's `search` and `ask` endpoints through gradio_client, as scripts would use them."""

from __future__ import annotations

import pytest

from .test_answer_card import CARD_KEYS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server[0], verbose=False)


@pytest.mark.parametrize(
    "question, phrase",
    [
        ("OSAの令和8年度の予算はいくらですか", "予算約181億円"),
        ("How many phone calls did Japan hold with Iran?", "首脳レベルで3回"),
    ],
)
def test_search_returns_cited_hits(client, question, phrase):
    result = client.predict(question, 3, api_name="/search")
    assert set(result) == {"id", "query", "abstained", "status", "missing", "reason", "guide", "short_answer", "hits"}
    assert result["query"] == question and len(result["hits"]) == 3 and result["status"] == "answered"
    top = result["hits"][0]
    assert phrase in top["text"] and top["rank"] == 1 and top["highlights"]
    assert top["section"].startswith("外交力の強化について > ")


def test_ask_returns_the_answer_card(client):
    result = client.predict("フィリピン沿岸警備隊への支援で人員はどう変わりましたか", 3, "", api_name="/ask")
    assert set(result) == CARD_KEYS
    assert result["status"] == "answered" and result["missing"] == []
    # the personnel sentence is quoted from [1] (beside the bullet above it: see test_answer_card)
    (first,) = [q for q in result["answer"] if q["text"] == "PCGの人員は4千人から約3万人に増加。"]
    assert first["label"] == 1 and first["end"] - first["start"] == len(first["text"])
    assert [s["label"] for s in result["sources"]] == [1, 2, 3]
    assert result["sources"][0]["answering"] and result["sources"][0]["chunk_id"] == first["chunk_id"]
    assert "人員" in result["sources"][0]["shared_terms"]


def test_ask_reads_a_follow_up_with_the_previous_question(client):
    result = client.predict(
        "それは何年から続いていますか", 3, "フィリピン沿岸警備隊への支援について教えて", api_name="/ask"
    )
    assert result["read_as"] == "(フィリピン沿岸警備隊への支援について) それは何年から続いていますか"
    assert any("2002年から" in a["text"] for a in result["answer"])


def test_ask_says_when_the_briefing_does_not_cover_it(client):
    result = client.predict("来年のオリンピックの開催都市はどこですか", 2, "", api_name="/ask")
    assert result["status"] == "not_covered" and result["answer"] == []
    assert len(result["sources"]) == 2 and not any(s["answering"] for s in result["sources"])


@pytest.mark.parametrize(
    "endpoint, args, message",
    [
        ("/search", ("長い質問" * 300, 3), "the limit is 1,000"),
        ("/search", ("", 3), "the question is empty"),
        ("/ask", ("OSAの予算は", 0, ""), "k must be a whole number"),
        ("/ask", ("   ", 3, ""), "the question is empty"),
    ],
)
def test_user_errors_are_refused_with_one_log_line_and_no_traceback(client, server, endpoint, args, message):
    app = server[2]
    with pytest.raises(Exception, match=message):
        client.predict(*args, api_name=endpoint)
    app.wait_for(rf"user error \(api {endpoint[1:]}\): .*{message}", 10)
    assert "Traceback" not in app.output()


def test_only_the_search_and_ask_endpoints_are_public(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert sorted(endpoints) == ["/ask", "/search"]


SAME_QUOTE_QUESTIONS = [  # dev-split gold questions of several kinds
    "フィリピン沿岸警備隊の人数はどれくらい増えましたか",
    "2026年度のOSAの予算はいくらですか",
    "誤った情報が出回った後にはどう対処しますか",
    "ミュンヘンで中国側の発言に反論したのは誰ですか",
]


@pytest.mark.parametrize("question", SAME_QUOTE_QUESTIONS)
def test_every_front_end_quotes_the_same_sentences(client, server, built, engine, question):
    """The CLI's JSON, the JSON API, Gradio's /search and /ask and the library all show one answer."""
    import json
    import urllib.request

    from .conftest import run_cli

    library = engine.ask(question, k=3)
    quoted = sorted((q.start, q.end) for q in library.quotes)
    assert quoted, "an answerable dev question must quote a sentence"

    search = client.predict(question, 3, api_name="/search")
    ask = client.predict(question, 3, "", api_name="/ask")
    request = urllib.request.Request(
        server[0] + "rag/v1/search",
        data=json.dumps({"question": question, "k": 3}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as reply:
        api = json.load(reply)["json"]
    same_index = {"RAG_CORPUS_DIR": str(built[0]), "RAG_INDEX_DIR": str(built[1])}
    cli = json.loads(run_cli("search", question, "-k", "3", "--json", "--server", server[0], env=same_index).stdout)

    for name, record in (("/search", search), ("/rag/v1/search", api), ("rag search --json", cli)):
        assert [tuple(s) for s in record["hits"][0]["highlights"]] == quoted, name
        assert all(h["highlights"] == [] for h in record["hits"][1:]), name
    assert sorted((a["start"], a["end"]) for a in ask["answer"]) == quoted

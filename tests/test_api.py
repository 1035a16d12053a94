"""The running app's `search` endpoint through gradio_client, as scripts would use it."""

from __future__ import annotations

import pytest

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
    assert set(result) == {"id", "query", "abstained", "status", "missing", "hits"}
    assert result["query"] == question and len(result["hits"]) == 3
    top = result["hits"][0]
    assert phrase in top["text"] and top["rank"] == 1 and top["highlights"]
    assert top["section"].startswith("外交力の強化について > ")


def test_over_long_question_is_refused(client):
    with pytest.raises(Exception, match="the limit is 1,000"):
        client.predict("長い質問" * 300, 3, api_name="/search")


def test_abstention_is_reported(client):
    result = client.predict("来年のオリンピックの開催都市はどこですか", 2, api_name="/search")
    assert result["abstained"] is True and len(result["hits"]) == 2


def test_only_the_search_endpoint_is_public(client):
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/search"]

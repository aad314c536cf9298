"""view_api() describes what /ask returns (its JSON's fields and types), not "Any"."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.model]


def test_view_api_describes_the_fields_ask_returns(app_url):
    from gradio_client import Client

    endpoints = Client(app_url, verbose=False).view_api(return_format="dict", print_info=False)["named_endpoints"]
    returned = endpoints["/ask"]["returns"][0]
    assert returned["python_type"]["type"].startswith("dict(question: str, answerable: bool, citations: list[")
    assert set(returned["type"]["properties"]) == {"question", "answerable", "verdict", "citations", "answer"}
    assert set(returned["type"]["properties"]["citations"]["items"]["properties"]) == {
        "doc", "label", "section", "score", "text"}
    assert set(returned["type"]["properties"]["answer"]["properties"]) == {"text", "lang", "quotes"}

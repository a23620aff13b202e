"""Sending a schemathesis case through Django's test client and handing its answer back for the checks.

The test client runs the request in the test's own thread and transaction (schemathesis's WSGI
transport would close the test's database connection at the end of each request).
"""

import json

import requests
from django.test import Client
from schemathesis import Case
from schemathesis.core.transport import Response

BASE = "http://testserver"


def _body(kwargs: dict) -> bytes:
    if "json" in kwargs:
        return json.dumps(kwargs["json"]).encode()
    data = kwargs.get("data")
    if isinstance(data, str):
        return data.encode("utf-8", "surrogatepass")
    return data or b""


def case_send(client: Client, case: Case, bearer: str = "") -> Response:
    """The case as a request (the member's bearer token replacing any generated one), and its answer."""
    kwargs = case.as_transport_kwargs(base_url=BASE)
    headers = {name: value for name, value in kwargs["headers"].items() if name.lower() != "authorization"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    body = _body(kwargs)
    prepared = requests.Request(kwargs["method"], kwargs["url"], headers=headers, params=kwargs["params"], data=body)
    request = prepared.prepare()
    content_type = headers.pop("Content-Type", headers.pop("content-type", "application/octet-stream"))
    answer = client.generic(kwargs["method"], request.path_url, body, content_type=content_type, headers=headers)
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    return Response(
        status_code=answer.status_code,
        headers={name: [value] for name, value in answer.items()},
        content=content,
        request=request,
        elapsed=0.0,
        verify=True,
    )

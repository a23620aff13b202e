"""A test middleware that records every API answer whose error code its operation does not declare."""

import json
import threading

from .answers import declared_codes, operation_for

undeclared: list[str] = []
_lock = threading.Lock()


class DeclaredErrorsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
            found = operation_for(request.method, request.path)
            if found is not None:
                name, operation = found
                code = json.loads(response.content).get("error", {}).get("code")
                if code not in declared_codes(operation).get(str(response.status_code), set()):
                    with _lock:
                        undeclared.append(f"{name} answered {response.status_code} {code!r}, which it does not declare")
        return response

"""A real OPA server, through ``opa-python-client``, for teams that already run OPA.

Modules are uploaded with ``PUT /v1/policies/{id}`` (no v0 "compatibility" rewriting: our
packs are Rego v1) and the rules are read with ``POST /v1/data/mlgov/rules``. OPA cannot be
installed on our build machines, so this engine is tested against a stand-in that speaks
OPA's documented REST contract; the in-process engine ``opa`` is the same OPA, embedded.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version as dist_version
from typing import Any
from urllib.parse import urlsplit

from ..errors import EvaluationError
from ..packs.model import RegoModule
from .interface import RULES_QUERY, RegoEngine


class OpaServerEngine(RegoEngine):
    name = "opa-server"

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EvaluationError("--opa-url", f"not an http(s) URL: {url!r}")
        self.url = url
        self._host, self._ssl = parts.hostname, parts.scheme == "https"
        self._port = parts.port or (443 if self._ssl else 8181)
        self._client: Any = None
        self._server_version = "unknown"

    def version(self) -> str:
        client = dist_version("opa-python-client")
        return f"opa server {self._server_version} at {self.url} (opa-python-client {client})"

    def _connect(self) -> Any:
        from opa_client.opa import OpaClient

        return OpaClient(host=self._host, port=self._port, ssl=self._ssl, timeout=30, retries=0)

    def prepare(self, modules: Sequence[RegoModule]) -> None:
        import requests

        client = self._connect()
        for module in modules:
            policy_id = "mlgov/" + module.path.replace("\\", "/")
            try:
                client.update_policy_from_string(module.text, policy_id, rego_compat=False)
            except requests.RequestException as exc:
                raise EvaluationError(self.url, f"OPA server unreachable: {type(exc).__name__}") from None
            except Exception as exc:  # the client raises its own types with OPA's message
                raise EvaluationError(module.path, f"OPA rejected the module: {_opa_message(exc)}") from None
        self._client = client

    def evaluate(self, input_: dict[str, Any]) -> dict[str, Any]:
        import requests

        if self._client is None:
            raise EvaluationError("opa", "engine used before prepare()")
        try:
            response = self._client.query_rule(input_, RULES_QUERY.removeprefix("data."))
        except requests.HTTPError as exc:
            body = exc.response.json() if exc.response is not None and exc.response.content else {}
            raise EvaluationError(self.url, f"OPA evaluation error: {body.get('message', exc)}") from None
        except requests.RequestException as exc:
            raise EvaluationError(self.url, f"OPA server unreachable: {type(exc).__name__}") from None
        return response.get("result", {})


def _opa_message(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__

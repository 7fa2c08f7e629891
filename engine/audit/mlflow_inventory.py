"""A live MLflow Model Registry as an inventory: every version of every registered model becomes
one canonical document, read through the REST API (no ``mlflow`` package needed):
``registered-models/search`` (which carries the aliases), ``model-versions/search`` (which does
not) and ``runs/get``. Names are sent URL-encoded; any name MLflow accepts is read."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

from ..document.facts import SourceRef
from ..errors import MlgovError
from ..normalize import build_document
from ..sources.mlflow import TAG_PREFIX, version_facts
from .inventory import Item

PAGE = 1000
MAX_RESPONSE = 64 * 1024 * 1024


def _auth_headers() -> dict[str, str]:
    """The credentials MLflow's own clients use: MLFLOW_TRACKING_TOKEN, or username and password."""
    if os.environ.get("MLFLOW_TRACKING_TOKEN"):
        return {"Authorization": f"Bearer {os.environ['MLFLOW_TRACKING_TOKEN']}"}
    user, password = os.environ.get("MLFLOW_TRACKING_USERNAME"), os.environ.get("MLFLOW_TRACKING_PASSWORD")
    if user and password:
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
    return {}


class Registry:
    def __init__(self, uri: str, timeout: float = 30) -> None:
        parts = urllib.parse.urlsplit(uri)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise MlgovError(f"--mlflow-uri: not an http(s) URL: {uri!r}")
        self.uri = uri.rstrip("/")
        self.timeout = timeout

    def get(self, endpoint: str, **params: Any) -> dict[str, Any]:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        request = urllib.request.Request(f"{self.uri}/api/2.0/mlflow/{endpoint}?{query}", headers=_auth_headers())
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(MAX_RESPONSE + 1)
        except urllib.error.HTTPError as exc:
            detail = " ".join(exc.read(2000).decode("utf-8", "replace").split())[:200]
            raise MlgovError(f"{self.uri}: {endpoint} answered HTTP {exc.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise MlgovError(f"{self.uri}: MLflow server unreachable ({getattr(exc, 'reason', exc)})") from None
        if len(body) > MAX_RESPONSE:
            raise MlgovError(f"{self.uri}: {endpoint} response larger than {MAX_RESPONSE} bytes")
        try:
            return json.loads(body or b"{}")
        except ValueError:
            raise MlgovError(f"{self.uri}: {endpoint} did not return JSON") from None

    def pages(self, endpoint: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
        token = None
        while True:
            page = self.get(endpoint, max_results=PAGE, page_token=token, **params)
            yield from page.get(key, [])
            token = page.get("next_page_token")
            if not token:
                return


def _name_filter(name: str) -> str | None:
    """A model-versions/search filter for exactly this name. MLflow strips one pair of quotes and
    does not unescape, so the quote the name does not contain is used; a name holding both has no
    filter (its versions are then picked from an unfiltered search)."""
    if "'" not in name:
        return f"name='{name}'"
    if '"' not in name:
        return f'name="{name}"'
    return None


def _versions(registry: Registry, name: str, everything: list[dict]) -> list[dict]:
    query = _name_filter(name)
    if query is not None:
        return list(registry.pages("model-versions/search", "model_versions", filter=query))
    return [v for v in everything if v.get("name") == name]


def deleted_versions(name: str, versions: list[dict]) -> list[str]:
    """Version numbers missing below the highest one. MLflow numbers a model's versions max+1 over
    every row it ever stored, deleted ones included (they are kept as stage Deleted_Internal and
    hidden from every endpoint), so a gap is a deleted version. A deleted highest version leaves no
    gap and is found only against the previous plan."""
    numbers = {int(v["version"]) for v in versions if str(v.get("version", "")).isdigit()}
    return [str(n) for n in range(1, max(numbers, default=0)) if n not in numbers]


def read_registry(uri: str, prefix: str = TAG_PREFIX, deleted: list[dict] | None = None) -> Iterator[Item]:
    """One Item per model version; a model or version that cannot be read or turned into a document
    is an Item with its error (named by model, and version when known), so the audit reports it,
    evaluates all the others, and fails closed. Versions found deleted are appended to ``deleted``."""
    registry = Registry(uri)
    runs: dict[str, dict[str, Any]] = {}
    everything: list[dict] = []
    loaded_all = False
    for model in registry.pages("registered-models/search", "registered_models"):
        name = str(model.get("name", ""))
        base = f"{registry.uri}#models/{urllib.parse.quote(name, safe='')}"
        try:
            if _name_filter(name) is None and not loaded_all:
                everything = list(registry.pages("model-versions/search", "model_versions"))
                loaded_all = True
            versions = _versions(registry, name, everything)
        except MlgovError as exc:
            yield Item(base, error=f"model {name!r}: {exc.one_line()}")
            continue
        if deleted is not None:
            deleted += [{"model": name, "version": n, "where": f"{base}/versions/{n}"}
                        for n in deleted_versions(name, versions)]
        for version in versions:
            where = f"{base}/versions/{version.get('version')}"
            try:
                run_id = version.get("run_id")
                if run_id and run_id not in runs:
                    runs[run_id] = registry.get("runs/get", run_id=run_id).get("run", {})
                response = {"registered_model": model, "model_version": version,
                            "run": runs.get(run_id) if run_id else None}
                raw = json.dumps(response, sort_keys=True).encode()
                facts = version_facts(model, version, "/model_version",
                                      {run_id: (runs[run_id], "/run")} if run_id in runs else {}, where, prefix)
                source = SourceRef(where, "mlflow", hashlib.sha256(raw).hexdigest())
                yield Item(where, document=build_document([(source, facts)]))
            except MlgovError as exc:
                yield Item(where, error=exc.one_line())

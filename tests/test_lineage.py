"""Lineage: transitive upstream through fine-tunes, downstream impact, explicit edges."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mlgov import normalize

from conftest import BUNDLES


def test_fine_tune_chain_reaches_the_grandparent_training_data(bundle_copy):
    root, edit = bundle_copy("support-llm-ft")

    def chain(m):
        m["model"]["base_models"] = [
            {"name": "meta-llama/Llama-3.1-8B-Instruct", "license": "LicenseRef-llama3.1",
             "uri": "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct",
             "version": "0e9e39f249a16976918f6564b8830bc894c89659", "supplier": "Meta Platforms, Inc.",
             "derived_from": ["meta-llama/Llama-3.1-8B"]},
            {"name": "meta-llama/Llama-3.1-8B", "license": "LicenseRef-llama3.1",
             "trained_on": ["undisclosed-web-corpus"]},
        ]
    edit(chain)
    doc = normalize([root])
    reach = {u["node"]: u for u in doc["lineage"]["upstream"]["model:acme-support-assistant"]}
    corpus = reach["dataset:undisclosed-web-corpus"]
    assert corpus["path"] == ["dataset:undisclosed-web-corpus", "model:meta-llama/llama-3.1-8b",
                              "model:meta-llama/llama-3.1-8b-instruct", "model:acme-support-assistant"]
    assert corpus["via"] == ["trains", "base_of", "base_of"]
    assert corpus["distance"] == 3
    # the corpus is now a described dataset (with no license: a licensing rule will see that)
    dataset = next(d for d in doc["datasets"] if d["id"] == "undisclosed-web-corpus")
    assert "license" not in dataset


def test_downstream_lists_every_dependent(tmp_path):
    doc = normalize([BUNDLES / "credit-risk-pd"])
    downstream = {d["node"]: d for d in doc["lineage"]["downstream"]["dataset:fred-macro-indicators"]}
    assert {"feature:pd-application-features", "run:6f1c2e9a4b3d4f0e8a7b1c2d3e4f5a6b", "model:credit-risk-pd",
            "deployment:prod-underwriting", "artifact:credit-risk-pd-model"} <= set(downstream)
    # the ML-BOM says the dataset trains the model directly, so that is the shortest path
    assert downstream["deployment:prod-underwriting"]["via"] == ["trains", "deployed_as"]
    assert downstream["run:6f1c2e9a4b3d4f0e8a7b1c2d3e4f5a6b"]["via"] == ["feeds", "input_to"]


def test_explicit_edges_and_unresolved_nodes(bundle_copy):
    root, edit = bundle_copy()
    edit(lambda m: m.setdefault("lineage", []).append(
        {"from": "dataset:Loan Applications", "to": "dataset:loan-archive-2018", "type": "derived_from"}))
    doc = normalize([root])
    edges = {(e["from"], e["type"], e["to"]) for e in doc["lineage"]["edges"]}
    assert ("dataset:loan applications", "derived_from", "dataset:loan-archive-2018") in edges
    nodes = {n["id"]: n for n in doc["lineage"]["nodes"]}
    assert nodes["dataset:loan-archive-2018"]["ref"] == ""  # referenced, never described
    assert nodes["dataset:loan-applications"]["ref"].startswith("/datasets/")


def test_lineage_command_prints_paths(cli):
    result = cli("lineage", BUNDLES / "chest-xray-triage")
    assert result.exit_code == 0
    assert ("dataset:imagenet-1k: dataset:imagenet-1k -[trains]-> model:densenet121-imagenet "
            "-[base_of]-> model:cxr-triage") in result.stdout.replace("\n", " ").replace("  ", " ")
    unknown = cli("lineage", BUNDLES / "chest-xray-triage", "--node", "dataset:nope")
    assert unknown.exit_code == 2


def test_pathologically_long_chains_are_refused_not_expanded(cli, bundle_copy):
    root, edit = bundle_copy()
    chain = [{"from": f"dataset:d{i}", "to": f"dataset:d{i + 1}", "type": "derived_from"} for i in range(400)]
    edit(lambda m: m.setdefault("lineage", []).extend(chain))
    result = cli("normalize", root)
    assert result.exit_code == 2
    assert "lineage too large to expand (more than 2000000 path steps" in result.stderr


# The lineage graph's two algorithms are written out (importing networkx cost the cold gate
# 80-150 ms); networkx, a test dependency, is the reference they must equal.
_NODES = [f"n{i}" for i in range(7)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_NODES), st.sampled_from(_NODES)), max_size=14))
def test_lineage_graph_equals_networkx(edges):
    import networkx as nx

    from mlgov.lineage import _Graph

    ours, theirs = _Graph(), nx.DiGraph()
    for i, (a, b) in enumerate(edges):
        ours.add_edge(a, b, ("t", i))
        theirs.add_edge(a, b)
    try:
        expected = [(u, v) for u, v, *_ in nx.find_cycle(theirs)]
    except nx.NetworkXNoCycle:
        expected = None
    assert ours.find_cycle() == expected
    if expected is None:
        for node in theirs.nodes:
            assert ours.shortest_paths(node, ours.succ) == nx.single_source_shortest_path(theirs, node)
            assert ours.shortest_paths(node, ours.pred) == nx.single_source_shortest_path(
                theirs.reverse(copy=False), node)

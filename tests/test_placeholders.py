"""Template placeholders never count as documentation (issue 11, point 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgov import normalize
from mlgov.document.placeholders import is_placeholder
from mlgov.evaluation import evaluate
from mlgov.packs import load_packs
from mlgov.resources import builtin_packs
from mlgov.timeutil import normalize as stamp

CARDS = Path(__file__).parent / "data" / "cards"
AS_OF = stamp("2026-11-24", "t", None)


@pytest.mark.parametrize("text", [
    "", "   ", "[More Information Needed]", "More information needed", "TBD", "todo", "N/A", "n/a.",
    "<!-- Provide a quick summary of what the model is/does. -->\n\n[More Information Needed]",
    "#### Testing Data\n\n<!-- comment -->\n\n[More Information Needed]\n\n#### Factors\n\n[More Information Needed]",
    "- **Training regime:** [More Information Needed] <!--fp32, fp16 -->",
])
def test_placeholders_say_nothing(text):
    assert is_placeholder(text)


@pytest.mark.parametrize("text", [
    "Score mortgage applications for default risk.", "Not for use in hiring decisions.",
    "- **Developed by:** Marcos Daniel Rodríguez Farfán", "TBD: the drift threshold is 0.2 PSI",
])
def test_content_is_not_a_placeholder(text):
    assert not is_placeholder(text)


def _packs():
    return load_packs(builtin_packs())


def test_the_template_parts_of_a_real_peft_card_are_placeholders():
    text = (CARDS / "bert-peft-yelp.README.md").read_text()
    evaluation = text[text.index("## Evaluation"):text.index("### Compute Infrastructure")]
    assert is_placeholder(evaluation.split("\n", 1)[1])  # testing data, factors, metrics: all template
    doc = normalize([CARDS / "bert-peft-yelp.README.md"])
    sections = doc["documentation"]["model_card"]["sections"]
    assert "placeholder" not in sections["model_details"]  # it names the developer
    assert "placeholder" not in sections["training_data"]  # it describes the Yelp reviews
    result = evaluate(doc, _packs(), AS_OF, validated=True)
    assert "DOC-002" in {f["rule"] for f in result["findings"]}  # no intended-use section at all


def test_a_keras_template_card_does_not_state_its_intended_use():
    doc = normalize([CARDS / "zarkit-keras.README.md"])
    sections = doc["documentation"]["model_card"]["sections"]
    assert sections["intended_use"]["placeholder"] is True  # "Intended uses & limitations: More information needed"
    result = evaluate(doc, _packs(), AS_OF, validated=True)
    rules = {f["rule"] for f in result["findings"]}
    assert "DOC-002" in rules


def test_a_card_with_a_uses_section_states_its_intended_use(tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n# m\n\n## Uses\n\n### Direct Use\n\nClassify support tickets by topic.\n")
    doc = normalize([card])
    result = evaluate(doc, _packs(), AS_OF, validated=True)
    assert "DOC-002" not in {f["rule"] for f in result["findings"]}
    card.write_text("---\nlicense: mit\n---\n# m\n\n## Uses\n\n### Direct Use\n\n[More Information Needed]\n")
    result = evaluate(normalize([card]), _packs(), AS_OF, validated=True)
    assert "DOC-002" in {f["rule"] for f in result["findings"]}


def test_placeholder_model_fields_are_listed(tmp_path):
    doc = normalize([CARDS / "zarkit-keras.README.md"])
    assert "/model/intended_use/description" not in doc["documentation"].get("placeholder_fields", [])

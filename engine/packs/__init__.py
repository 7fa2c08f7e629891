"""Rule packs: a directory with ``pack.yaml`` and Rego and/or YAML rule files."""

from .loader import load_pack, load_packs
from .model import Pack, RuleMeta

__all__ = ["Pack", "RuleMeta", "load_pack", "load_packs"]

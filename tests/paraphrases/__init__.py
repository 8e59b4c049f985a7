"""The paraphrase corpus: statement kinds in many drafting hands, each with the facts it must yield.

`load(kind)` reads `tests/paraphrases/<kind>.yaml`. YAML flow sequences used as mapping keys
(`[2024, 8]: {...}`, `[2024, total]: {...}`, `[item, 1]: {...}`) become tuples, so facts are
keyed exactly like `tests/fixtures/followups/scenarios.py`; dates and UTC timestamps
(`2024-04-24T07:00:00Z`) load as `date` / aware `datetime`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

KINDS = (
    "silence_opened",
    "silence_concluded",
    "silence_extended",
    "silence_broken",
    "adopted_as",
    "plan_item_shall_read",
    "plan_item_deleted",
    "plan_item_replace_text",
    "plan_item_added_after",
    "plan_item_rescheduled_prose",
    "corrigendum_budget",
    "corrigendum_plan",
    "plan_amendment_table_note",
    "budget_amendment_prose",
    "silence_table_opened",
    "silence_table_outcome",
    "decision_list_item",
    "timing",
)


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings accept sequence keys (as tuples): PyYAML refuses unhashable keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict:
    out = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.SequenceNode):
            key = tuple(loader.construct_sequence(key_node, deep=True))
        else:
            key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def path(kind: str) -> Path:
    if kind not in KINDS:
        raise KeyError(f"unknown statement kind {kind!r}; known: {', '.join(KINDS)}")
    return HERE / f"{kind}.yaml"


def load(kind: str) -> dict:
    """The corpus of one statement kind, as a dict (kind, frame, date, phrasings, unknown_verb, ...)."""
    with path(kind).open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_Loader)
    if data.get("kind") != kind:
        raise ValueError(f"{path(kind).name} declares kind {data.get('kind')!r}")
    return data

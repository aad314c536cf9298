"""Nothing leaves the machine: the environment every entry point sets before anything else is imported.

huggingface_hub, transformers and gradio read these once, when they are imported, so an entry
point (assistant.cli, app, python -m eval) and index.embed import this module first. A user's
own setting wins.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping

OFFLINE = {
    "HF_HUB_OFFLINE": "1",  # no model downloads or hub lookups
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",  # no usage analytics or version check
}

for _name, _value in OFFLINE.items():
    os.environ.setdefault(_name, _value)

# OpenVINO (the query encoder) reports usage to its vendor and writes ~/intel whenever its telemetry
# package can be imported and no consent file says no. Kept unimportable, OpenVINO uses its own no-op.
sys.modules.setdefault("openvino_telemetry", None)


def child_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a process legco-rag starts itself (a bench child): `base` (default: this
    process's) with every switch in OFFLINE on, whatever `base` says, so a measurement never downloads.

        >>> child_environment({"PATH": "/bin", "HF_HUB_OFFLINE": "0"})["HF_HUB_OFFLINE"]
        '1'
    """
    return {**(os.environ if base is None else base), **OFFLINE}


def hub_offline() -> bool:
    """Whether Hugging Face hub lookups are off in this process (HF_HUB_OFFLINE is 1/true/yes/on)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}

"""Nothing leaves the machine: the environment every entry point sets before anything else is imported.

huggingface_hub, transformers and gradio read these once, when they are imported, so an entry
point (assistant.cli, app, python -m eval) imports this module first. A user's own setting wins.
"""
from __future__ import annotations

import os

OFFLINE = {
    "HF_HUB_OFFLINE": "1",  # no model downloads or hub lookups
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",  # no usage analytics or version check
}

for _name, _value in OFFLINE.items():
    os.environ.setdefault(_name, _value)

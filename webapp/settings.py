"""The app's fixed choices: example questions, how many passages to search, how many at once."""
from __future__ import annotations

EXAMPLES = [
    "香港2030年需要多少算力？",  # Traditional Chinese
    "“智方便”有多少登记用户？",  # Simplified Chinese
    "醫院會唔會用AI幫醫生睇症？",  # Cantonese
    "How many registered users does iAM Smart have?",  # English
]
DEFAULT_K = 5
MAX_UI_K = 10
MAX_API_K = 100  # as `legco-rag ask --k`
ALL = "all"  # the menus' "everything" value (whole report, every paper)

# The model and its two CPU cores are shared by everyone: one search or answer at a time (more in
# parallel would only slice the same cores thinner), with a bounded queue so a burst gets "busy"
# instead of minutes of waiting (64 waiting × ~30 ms a search ≈ 2 s at the back of the queue).
# Opening a citation is cheap string work and gets its own limit.
MODEL_CONCURRENCY = 1
QUEUE_MAX_SIZE = 64
PANEL_CONCURRENCY = 4

"""The Gradio app's parts, one job a module; `app.py` is the entry point that puts them together.

    settings        examples, k limits, concurrency limits
    assets          the theme, styles.css and the page's JavaScript (real files, read at start)
    history         the conversation as the browser keeps it, and rebuilt from it
    permalinks      ?q=… and ?cite=… in the address bar
    panel           the citation panel and the "Read the report" tab
    chat            the chat: asking, opening a chip, reloading, clearing, exporting
    evaluation_tab  the retrieval evaluation, run in the app
    api             the named API /ask and the description of its JSON
    layout          the page: components, and which event calls what
"""

# Before gradio is imported anywhere in the app: no usage analytics or version check, no model downloads.
import index.offline  # noqa: E402,F401

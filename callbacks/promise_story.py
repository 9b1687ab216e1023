"""A medborgarlöfte's follow-up added to the story (issue 23): a promise's staff page links to the dashboard with
?promise=<id> (views/story.py PROMISE); the page keeps the value in the store "story-promise" (layouts/page.py)
and this callback, once the page is drawn, checks it (1–9 digits, a promise in the database) and adds
{"promise": "<id>"} to the story in the browser, as "Lägg till i presentationen" adds a view. The address then
loses the parameter (assets/app.js writes the view's own), so a reload adds nothing twice.

Its slide is promises/slide.py's; the presentation and the files take it from there (callbacks/sharing.py)."""
from __future__ import annotations

from dash import Input, Output, State, ctx, no_update

from promises import store
from promises.render import database
from views.story import MAX_STORY, PROMISE, PROMISE_DIGITS, StoryTooLong, promise_id, promise_item, story_views
from views.texts import t


def register_promise_story_callbacks(app) -> None:
    @app.callback(Output("story", "data", allow_duplicate=True),
                  Output("story-status", "children", allow_duplicate=True),
                  Input("story-promise", "data"), State("story", "data"), State("lang", "data"),
                  prevent_initial_call="initial_duplicate")
    def add_promise(value, story, lang):
        if value is None:
            return no_update, no_update
        ctx.response.set_header("Cache-Control", "no-store")  # the answer depends on the database
        return add_promise_to_story(value, story, lang)


def add_promise_to_story(value, story, lang: str) -> tuple:
    """(the new story or no_update, the message for the page's status line)."""
    pid = promise_id({PROMISE: value}) if isinstance(value, str) else None
    if pid is None:
        return no_update, t("promise_story_bad", lang, value=str(value)[:20], digits=PROMISE_DIGITS)
    item = promise_item(pid)
    try:
        story = story_views(story)
    except StoryTooLong:
        return no_update, t("story_too_long", lang, n="?", max=MAX_STORY)
    try:
        store.get_promise(database(), pid)
    except store.NotFound:
        return no_update, t("promise_story_unknown", lang, id=value)
    if item in story:
        return no_update, t("story_duplicate", lang, n=story.index(item) + 1)
    if len(story) >= MAX_STORY:
        return no_update, t("story_too_long", lang, n=len(story) + 1, max=MAX_STORY)
    return story + [item], t("story_added", lang, n=len(story) + 1)

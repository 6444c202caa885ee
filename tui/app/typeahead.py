"""Keys typed faster than the screen changes.

A burst of keys (a fast typist, tmux ``send-keys``, a terminal macro) reaches the app before the
first key has been acted on. Textual sends each key on to the focused widget as it arrives and
resolves ordinary bindings only when the key has bubbled back up to the app, so a key that opens
a dialog or the find bar would let the keys after it act on the old screen (``/quit`` quit the
app, ``ee`` stacked two dialogs). Textual's own mechanisms keep them in order:

- the panes' bindings are priority bindings (``at_once``): the app runs them as each key arrives,
  before it sends the next key anywhere;
- an action that asks the app (or a screen) to open a dialog or move the focus posts a request
  (``request``): the keys typed after it wait at the app (``KeyHold``) until the request has
  bubbled up to the app, and a dialog it opened has its focus (a focus or ``ScreenResume`` event);
- a text field (``TypesInOrder``) types the keys it is sent, resolves its bindings (enter, escape,
  backspace...) in the order typed, and hands the app any key it is sent after one of them moved
  the focus away, to be typed where the focus is now.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING
from weakref import WeakSet

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen


def at_once(bindings: list[BindingType], *, listed: bool = True) -> list[BindingType]:
    """``bindings`` as priority bindings: each acts before the app looks at the next key.
    Not ``listed``: without their descriptions, so the help leaves them out (a base class's keys)."""
    return [
        replace(b, priority=True, **({} if listed else {"description": ""})) if isinstance(b, Binding) else b
        for b in bindings
    ]


def request(sender: Widget, message: Message) -> None:
    """Post ``message`` up from ``sender``; the keys typed after it wait until it reaches the app
    (so a handler on the way must not ``stop()`` it; one that opens a dialog or moves the focus
    lets the keys go there)."""
    hold = getattr(sender.app, "keys", None)
    if isinstance(hold, KeyHold):
        hold.wait_for(message)
    if not sender.post_message(message) and isinstance(hold, KeyHold):
        hold.arrived(message)  # the sender is closing: the request goes nowhere, the keys go on


def focus_now(widget: Widget) -> None:
    """Focus ``widget`` before the next key is looked at (``Widget.focus`` waits a turn)."""
    widget.screen.set_focus(widget)


class KeyHold:
    """The app's hold: keys typed while a request is on its way, or a dialog is still mounting,
    wait here in the order typed, then go to where the focus is."""

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self._awaited: list[object] = []  # requests on their way up; fields still reading their keys
        self._handed_back: list[events.Key] = []  # sent to a field the focus has left: typed again first
        self._held: list[events.Key] = []  # typed meanwhile
        self._mounting: Screen[object] | None = None  # a new screen that has no focus yet
        self._watched: WeakSet[Screen[object]] = WeakSet()

    def start(self) -> None:
        """Listen for the signals that release the keys (the app must be running)."""
        self.app.message_signal.subscribe(self.app, self.arrived, immediate=True)
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed, immediate=True)
        self._screen_changed(self.app.screen)  # the first screen may still be mounting too

    @property
    def holding(self) -> bool:
        return bool(self._awaited or self._handed_back or self._held or self._mounting is not None)

    def keep(self, event: events.Key) -> bool:
        """A key as typed (from ``App.on_event``): True when it waits here."""
        if not self.holding:
            return False
        self._held.append(events.Key(event.key, event.character))
        return True

    def wait_for(self, awaited: object) -> None:
        """Hold the keys typed from now on until ``awaited`` arrives (``arrived``)."""
        self._awaited.append(awaited)

    def hand_back(self, event: events.Key) -> None:
        """A field was sent ``event`` before the focus left it: type it where the focus is now."""
        event.stop()
        event.prevent_default()
        self._handed_back.append(events.Key(event.key, event.character))
        self._release()

    def arrived(self, awaited: object) -> None:
        """A request reached the app (every message it handles comes here), or a field read its keys."""
        if awaited in self._awaited:
            self._awaited.remove(awaited)
            self._release()

    def focus_moved(self) -> None:
        """A widget got the focus (``App.on_descendant_focus``): a new dialog may be ready."""
        if self._mounting is not None and self._mounting.focused is not None:
            self._mounting = None
            self._release()

    def _screen_changed(self, screen: Screen[object]) -> None:
        """A screen pushed without a focused widget holds the keys until it has one, or has resumed."""
        self._mounting = screen if screen.focused is None and not screen.is_mounted else None
        if self._mounting is not None and screen not in self._watched:
            self._watched.add(screen)
            screen.message_signal.subscribe(self.app, self._screen_message, immediate=True)

    def _screen_message(self, message: Message) -> None:
        if isinstance(message, events.ScreenResume) and self._mounting is self.app.screen:
            self._mounting = None
            self._release()

    def _release(self) -> None:
        if self._awaited or self._mounting is not None or not self.app.is_running:
            return
        keys, self._handed_back, self._held = [*self._handed_back, *self._held], [], []
        for key in keys:
            self.app.post_message(key)


class TypesInOrder(Widget if TYPE_CHECKING else object):
    """For a text field: its bindings act in the order keys are typed, and keys it was sent
    after one of them moved the focus away go where the focus went.

    A plain mixin, first among the bases: as a Widget it would hide the CSS and component
    classes of the widget it is mixed into.
    """

    IN_ORDER = ("tab", "shift+tab")  # a screen's priority tab would move on before the letters typed first

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Tab is this field's too: it is resolved here, in order (so no priority binding takes it)."""
        return key in self.IN_ORDER or super().check_consume_key(key, character)

    async def on_key(self, event: events.Key) -> None:
        hold = getattr(self.app, "keys", None)
        if not isinstance(hold, KeyHold):
            return
        if hold.holding or self.app.focused is not self:
            hold.hand_back(event)
            return
        if event.key not in self.IN_ORDER and (
            event.is_printable or self.check_consume_key(event.key, event.character)
        ):
            return  # typed here and now
        # Textual resolves a binding (enter, escape, backspace, ctrl+s...) when the key has bubbled
        # up to the app: after the letters typed next were inserted here. Resolve it now instead.
        for node, binding in bindings_for(self, event.key):
            if await self.app.run_action(binding.action, node):
                event.stop()
                event.prevent_default()
                break
        else:
            return
        if self.app.focused is not self:  # the keys already sent here belong where the focus went
            done = object()
            hold.wait_for(done)
            self.call_later(hold.arrived, done)


def bindings_for(widget: Widget, key: str) -> Iterator[tuple[DOMNode, Binding]]:
    """The bindings of ``key`` from ``widget`` up to its modal screen, nearest first, as Textual
    tries them when the key bubbles up (a class's bindings replace its bases' for the same key)."""
    for node in widget.ancestors_with_self:
        for cls in type(node).__mro__:  # the nearest class that binds the key
            bound = [b for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding) and key in keys_of(b)]
            if bound:
                yield from ((node, binding) for binding in bound)
                break
        if node.is_modal:
            return


def keys_of(binding: Binding) -> list[str]:
    return [key.strip() for key in binding.key.split(",")]

"""Keys typed faster than the screen changes.

Textual hands a burst of keys (a fast typist, tmux ``send-keys``, a terminal macro) to the
focused widget at once, and resolves each key's binding later, when the key has bubbled back up
to the app. If the first key opens a dialog or the find bar, the keys after it were resolved as
commands of the old screen: ``/quit`` quit the app, ``ee`` stacked two dialogs. So:

- a request that opens a dialog or moves the focus is delivered at once (``deliver_now``,
  ``focus_now``), not through the message queue;
- a key that comes back to the app after the focus has moved from where it was sent is typed
  again where the focus is now (``Typeahead``), waiting briefly for a dialog still mounting;
- a text field resolves its bindings (enter, escape, tab, backspace...) as the keys are typed,
  and passes on the keys it was sent after the focus left it (``KeepsTypeahead``), since it
  would otherwise type them into itself.
"""

from __future__ import annotations

import inspect
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from textual import events
from textual.message import Message
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

WAIT_SECONDS = 0.01
FOCUS_SECONDS = 0.5  # how long held keys wait for a new dialog to focus its first field
FORGET_SECONDS = 1.0  # a key not back by then was consumed on its way (a fallback: keys say when they are done)
REMEMBERED = 256


def deliver_now(sender: Widget, message: Message) -> None:
    """Bubble ``message`` from ``sender`` synchronously: the nearest handler (which takes the
    message) runs before the next key."""
    for node in sender.ancestors_with_self:
        handler = getattr(node, message.handler_name, None)
        if handler is not None:
            assert not inspect.iscoroutinefunction(handler), f"{handler} must not be async to run at once"
            handler(message)
            return


def focus_now(widget: Widget) -> None:
    """Focus ``widget`` before the next key is looked at (``Widget.focus`` waits a turn)."""
    widget.screen.set_focus(widget)


class Typeahead:
    """The app's side: keeps typed keys in order when the focus moves under them.

    Each key the app sends on is remembered with where it went. A key that comes back up after
    the focus has moved is typed again; keys that arrive meanwhile wait behind it, so the order
    the user typed is the order they act in.
    """

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self._in_flight: OrderedDict[int, tuple[events.Key, DOMNode, float]] = OrderedDict()  # by id: held, not reused
        self._again: list[events.Key] = []  # sent to where the focus was: typed again first
        self._held: list[events.Key] = []  # typed while those were on their way: then these
        self._released: set[int] = set()
        self._since = 0.0

    def take(self, event: events.Event) -> bool:
        """Called first in ``App.on_event``; True when the key is taken care of here."""
        if not isinstance(event, events.Key) or not self.app.screen_stack:
            return False
        if event.is_forwarded:  # on its way back up: was it sent where the focus still is?
            sent = self._in_flight.pop(id(event), None)
            if sent is None or sent[1] is self._target():
                return False
            self.again(event)
            return True
        if id(event) in self._released:
            self._released.discard(id(event))
        elif self._again or self._held or self._released or self._stale():
            self._hold(self._held, event)  # behind the keys typed before it
            return True
        target = self._target()
        typed_there = isinstance(target, Widget) and target.check_consume_key(event.key, event.character)
        if not typed_there:  # a field types a printable key where it lands; it never comes back up
            self._in_flight[id(event)] = (event, target, time.monotonic())
        while len(self._in_flight) > REMEMBERED:
            self._in_flight.popitem(last=False)
        return False

    def done(self, event: events.Key) -> None:
        """``event`` was acted on where it was sent, and will not come back up."""
        self._in_flight.pop(id(event), None)

    def again(self, event: events.Key) -> None:
        """Type ``event`` again where the focus is now, before the keys typed after it."""
        event.stop()
        event.prevent_default()
        self._in_flight.pop(id(event), None)
        self._hold(self._again, event)

    def _target(self) -> DOMNode:
        return self.app.focused or self.app.screen

    def _stale(self) -> bool:
        """Are keys still on their way to where the focus was? (Forgets keys consumed on the way.)"""
        now, target = time.monotonic(), self._target()
        for key, (_, sent_to, at) in list(self._in_flight.items()):
            if now - at > FORGET_SECONDS:
                del self._in_flight[key]
            elif sent_to is not target:
                return True
        return False

    def _hold(self, queue: list[events.Key], event: events.Key) -> None:
        if not (self._again or self._held):
            self._since = time.monotonic()
            self.app.set_timer(WAIT_SECONDS, self._release)
        queue.append(events.Key(event.key, event.character))

    def _release(self) -> None:
        if not self.app.screen_stack:  # the app has closed
            return
        waited = time.monotonic() - self._since
        behind = waited < FORGET_SECONDS and (self._released or self._stale())  # keys typed earlier
        if behind or (self.app.focused is None and waited < FOCUS_SECONDS):
            self.app.set_timer(WAIT_SECONDS, self._release)
            return
        keys, self._again, self._held = [*self._again, *self._held], [], []
        self._released = {id(key) for key in keys}  # in the queue: keys typed meanwhile wait behind them
        for key in keys:
            self.app.post_message(key)


class KeepsTypeahead(Widget if TYPE_CHECKING else object):
    """For a text field: its bindings act in the order keys are typed, and keys it receives after
    the focus has left go where the focus went.

    A plain mixin, first among the bases: as a Widget it would hide the CSS and component
    classes of the widget it is mixed into.
    """

    async def on_key(self, event: events.Key) -> None:
        typeahead: Typeahead | None = getattr(self.app, "typeahead", None)
        if typeahead is None:
            return
        if self.app.focused is not self:
            typeahead.again(event)
            return
        if event.is_printable:
            return  # a letter is typed here and now
        # A binding (enter, escape, tab, backspace, ctrl+u...) is resolved by Textual only when the
        # key has bubbled up to the app: after the letters typed next were inserted here. Resolve
        # it here and now instead, in the order typed.
        check_bindings = getattr(self.app, "_check_bindings", None)
        if check_bindings is not None and await check_bindings(event.key):
            event.stop()
            typeahead.done(event)

"""What the browser tests share: an offline guard and the console errors known to be harmless."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LOCAL = re.compile(r"^(file:|data:|blob:|about:|http://127\.0\.0\.1[:/])")

# Every page of a Jupyter Book 1 site logs these (see ../shared/notes/book-stack.md); nothing else is allowed.
HARMLESS = (
    re.compile(r"Identifier 'THEBE_JS_URL' has already been declared"),
    re.compile(r"Got invalid theme mode"),
    re.compile(r"strict mode: .*"),
)


@dataclass
class OfflineGuard:
    """Blocks every request that is not local and remembers who tried."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.route("**/*", self._route)
        page.on("pageerror", lambda exc: self._error(str(exc)))
        page.on("console", lambda msg: self._error(msg.text) if msg.type == "error" else None)

    def _route(self, route) -> None:
        url = route.request.url
        if LOCAL.match(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _error(self, text: str) -> None:
        if not any(p.search(text) for p in HARMLESS):
            self.errors.append(text)

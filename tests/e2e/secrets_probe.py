"""Where a secret must not be, in a live page: DOM, inputs, storage, cookies and URLs."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

# Serialises the whole document with every password field's value removed, and collects every
# other place a page could keep text: other inputs' live values, storage, cookies, title, URL.
_PAGE_TEXTS_WITHOUT_PASSWORDS = """
() => {
  const clone = document.documentElement.cloneNode(true);
  for (const field of clone.querySelectorAll('input[type="password"]')) {
    field.removeAttribute('value');
  }
  const live = [...document.querySelectorAll('input:not([type="password"]), textarea')]
    .map((field) => field.value);
  const storage = [];
  for (const area of [window.localStorage, window.sessionStorage]) {
    for (let i = 0; i < area.length; i++) {
      const name = area.key(i);
      storage.push(name + '=' + area.getItem(name));
    }
  }
  return {
    html: clone.outerHTML,
    values: live,
    storage: storage,
    cookie: document.cookie,
    title: document.title,
    url: window.location.href,
    passwords: [...document.querySelectorAll('input[type="password"]')].map((f) => f.value),
  };
}
"""


def page_texts(page: Page) -> dict[str, Any]:
    texts: dict[str, Any] = page.evaluate(_PAGE_TEXTS_WITHOUT_PASSWORDS)
    return texts


def leaks(page: Page, secret: str) -> list[str]:
    """The places (other than a password field's value) where ``secret`` shows up."""
    texts = page_texts(page)
    found = []
    if secret in texts["html"]:
        found.append("document HTML")
    if any(secret in value for value in texts["values"]):
        found.append("a non-password input value")
    if any(secret in entry for entry in texts["storage"]):
        found.append("local/session storage")
    for place in ("cookie", "title", "url"):
        if secret in texts[place]:
            found.append(place)
    return found


def password_fields_hold(page: Page, secret: str) -> bool:
    """True when a password field's value is the secret (proves the probe looked at a live key)."""
    return secret in page_texts(page)["passwords"]

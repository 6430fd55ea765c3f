"""Accessibility checks for a screen in the browser: axe-core's rules, and a keyboard pass.

axe-core (npm, pinned in frontend/package-lock.json) is injected into the page as tests run;
serious and critical violations fail. The keyboard pass presses Tab through the page and
lists every visible control it never reached.
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from app.migrate import ROOT

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

CONTROLS = (
    "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), "
    "select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])"
)


async def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now, one line each."""
    assert AXE.is_file(), f"{AXE} is missing: run `make web-build` (npm ci in frontend/)"
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = await page.evaluate(
        "axe.run(document, { resultTypes: ['violations'] })"
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


async def unreachable_by_keyboard(page: Page) -> list[str]:
    """Visible controls that Tab never focuses, starting from the top of the page."""
    await page.evaluate(
        """selector => {
            document.activeElement?.blur();
            const visible = el => el.getClientRects().length > 0 &&
                getComputedStyle(el).visibility !== 'hidden';
            window.__controls = [...document.querySelectorAll(selector)].filter(visible);
            window.__reached = new Set();
            document.addEventListener('focusin', e => window.__reached.add(e.target), true);
        }""",
        CONTROLS,
    )
    count = await page.evaluate("window.__controls.length")
    for _ in range(count + 2):
        await page.keyboard.press("Tab")
    # A radio group is one Tab stop (arrow keys move within it): one reached radio will do.
    missed: list[str] = await page.evaluate(
        """() => window.__controls.filter(el => !window.__reached.has(el) && !(
            el.type === 'radio' &&
            [...window.__reached].some(r => r.type === 'radio' && r.name === el.name)
        )).map(el =>
            `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ||
            el.textContent || el.name || '').trim().slice(0, 40)}"`)"""
    )
    return missed


async def assert_accessible(page: Page) -> None:
    violations = await axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"
    missed = await unreachable_by_keyboard(page)
    assert missed == [], f"{page.url}: not reachable with Tab: {missed}"

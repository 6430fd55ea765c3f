"""The objectives-alignment view in Chromium, on a run driven to its final gate through the
API by a worker (offline writer): every objective listed with what covers it."""

from __future__ import annotations

import httpx
from playwright.async_api import Page, expect

from app.core.permissions import Role
from tests.factories import Factory
from tests.web.a11y import assert_accessible
from tests.web.helpers import screenshot, sign_in
from tests.workflow.runs.helpers import RunDriver, pending, waiting_at

OBJECTIVES = ["Tie a bowline", "Tie a clove hitch"]


async def test_the_alignment_of_a_run_at_final_approval(
    page: Page, site: str, worker: None, client: httpx.AsyncClient, factory: Factory
) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor, title="Knots for Sailors")
    as_editor = await factory.headers(editor)
    runs = RunDriver(client, str(course.id))
    run_id = await runs.start(as_editor, objectives=OBJECTIVES, modules=1, lessons_per_module=2)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    await runs.decide(run_id, pending(state, "outline")[0]["id"], as_editor, decision="approve")
    state = await runs.wait(run_id, as_editor, waiting_at("lesson", 2))
    for gate in pending(state, "lesson"):
        await runs.decide(run_id, gate["id"], as_editor, decision="approve")
    state = await runs.wait(run_id, as_editor, waiting_at("final"))
    matrix = {row["objective"]: row for row in state["alignment"]["objectives"]}

    await sign_in(page, site, editor.email)
    await page.get_by_role("link", name="Knots for Sailors", exact=True).click()
    await page.get_by_role("link", name="Alignment").click()
    table = page.get_by_role("table")
    await expect(table).to_be_visible()
    for objective in OBJECTIVES:
        header = page.get_by_role("rowheader", name=objective, exact=False)
        row = table.get_by_role("row").filter(has=header)
        await expect(row).to_have_count(1)
        covered = "Not covered" if not matrix[objective]["covered"] else "Covered"
        await expect(row).to_contain_text(covered)
    await screenshot(page, "alignment")
    await assert_accessible(page)

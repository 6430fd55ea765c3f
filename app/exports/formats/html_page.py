"""Single-file HTML: styled, printable (each lesson starts a page), with a contents list.
Images are inlined as data URLs, so the file stands alone and loads nothing."""

from __future__ import annotations

from html import escape

from app.exports.document import CourseDocument, Module
from app.exports.formats import Format, register

STYLE = """
body { font: 16px/1.6 Georgia, "Times New Roman", serif; max-width: 46rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d1d1f; }
h1, h2, h3 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.25; }
nav ol { padding-left: 1.2rem; } nav a { color: inherit; }
.draft { border: 2px solid #b45309; background: #fef3c7; padding: .5rem 1rem; }
.objectives { background: #f5f5f7; padding: .5rem 1rem; }
pre { background: #f5f5f7; padding: .75rem; overflow-x: auto; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: .25rem .5rem; }
img { max-width: 100%; }
@media print { nav { page-break-after: always; } section.lesson { page-break-before: always; }
               a { color: inherit; text-decoration: none; } }
"""


def _objectives(items: list[str]) -> str:
    if not items:
        return ""
    rows = "".join(f"<li>{escape(o)}</li>" for o in items)
    return f'<div class="objectives"><strong>Objectives</strong><ul>{rows}</ul></div>'


def _quiz(module: Module) -> str:
    if not module.quiz:
        return ""
    parts = [f'<section class="quiz"><h3>Quiz: {escape(module.title)}</h3><ol>']
    for item in module.quiz:
        choices = "".join(
            f"<li>{escape(c)}{' <strong>(answer)</strong>' if i == item.answer_index else ''}</li>"
            for i, c in enumerate(item.choices)
        )
        parts.append(
            f'<li><p>{escape(item.question)}</p><ol type="a">{choices}</ol>'
            f"<p><em>Why:</em> {escape(item.rationale)}</p></li>"
        )
    return "".join(parts) + "</ol></section>"


def _with_assets(html: str, document: CourseDocument) -> str:
    for asset in document.assets:
        data_url = f"data:{asset.media_type};base64,{asset.data_base64}"
        html = html.replace(f'src="assets/{asset.name}"', f'src="{data_url}"')
    return html


def render(document: CourseDocument) -> bytes:
    course = document.course
    title = escape(course.title) + (" (draft)" if document.is_draft else "")
    toc, body = [], []
    for module in document.modules:
        links = "".join(
            f'<li><a href="#{lesson.key}">{escape(lesson.title)}</a></li>'
            for lesson in module.lessons
        )
        toc.append(f"<li>{escape(module.title)}<ol>{links}</ol></li>")
        body.append(f"<h2>{escape(module.title)}</h2><p>{escape(module.summary)}</p>")
        for lesson in module.lessons:
            body.append(
                f'<section class="lesson" id="{lesson.key}"><h2>{escape(lesson.title)}</h2>'
                f"{_objectives(lesson.objectives)}{_with_assets(lesson.html, document)}</section>"
            )
        body.append(_quiz(module))
    draft = (
        '<p class="draft"><strong>Draft</strong>: not finally approved.</p>'
        if document.is_draft
        else ""
    )
    page = (
        f'<!DOCTYPE html><html lang="{escape(course.language)}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{title}</h1>{draft}{_objectives(course.objectives)}</header>"
        f"<nav><h2>Contents</h2><ol>{''.join(toc)}</ol></nav>{''.join(body)}</body></html>"
    )
    return page.encode()


HTML = register(Format("html", "html", "text/html; charset=utf-8", render))

"""Export benchmark: a generated course (50 lessons by default) rendered to every format.

Usage: .venv/bin/python bench/exports.py [--lessons 50] [--repeat 3]   (or `make bench-exports`)

Each module's first lesson shows a diagram (an 800x500 PNG course asset), so every format
also carries ten images. Per format: the best of `--repeat` renders (seconds), the file
size and the ratio to a baseline measured in the same run: sanitizing every lesson
(Markdown -> safe HTML), the work each export does before its format does anything.
Target: every format, one render each, under 30 s in total on this machine (2 cores).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/exports.py` from the repository root

from PIL import Image, ImageDraw  # noqa: E402

from app.exports.document import (  # noqa: E402
    Asset,
    CourseDocument,
    CourseInfo,
    Lesson,
    Module,
    QuizItem,
)
from app.exports.formats.all import FORMATS  # noqa: E402
from app.exports.sanitize import lesson_html  # noqa: E402

TARGET_SECONDS = 30.0
PARAGRAPH = (
    "A branch is a movable pointer to a commit. When you commit on a branch, the pointer "
    "moves forward with you, and the other branches stay where they were. "
)


def lesson_markdown(n: int) -> str:
    """About 1,500 words: headings, lists, a table, code and emphasis, like a real lesson."""
    body = [f"## Lesson {n}: overview\n", PARAGRAPH * 6, "\n### Steps\n"]
    body += [f"{i}. Run `git step-{i}` and *read* the **output**.\n" for i in range(1, 8)]
    body += ["\n| command | what it does |\n|---|---|\n"]
    body += [f"| `git cmd{i}` | does thing {i} |\n" for i in range(8)]
    body += ["\n```sh\ngit switch -c feature\ngit commit -am 'work'\n```\n\n"]
    body += [PARAGRAPH * 10, "\n> Remember: commit early, commit often.\n\n", PARAGRAPH * 10]
    return "".join(body)


def diagram(m: int) -> Asset:
    """A module's diagram: boxes and lines on a gradient, so it compresses like a real one."""
    image = Image.linear_gradient("L").resize((800, 500)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for i in range(6):
        box = (40 + i * 120, 60 + (i * m) % 200, 130 + i * 120, 160 + (i * m) % 200)
        draw.rectangle(box, outline=(0, 90, 160), width=4)
        draw.line((box[2], box[1] + 40, box[2] + 30, box[1] + 40), fill=(200, 60, 0), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = base64.b64encode(buffer.getvalue()).decode()
    return Asset(name=f"diagram-{m}.png", media_type="image/png", data_base64=data)


def generated_course(lessons: int, per_module: int = 5) -> tuple[CourseDocument, float]:
    """The document, and the seconds its lessons took to sanitize (the baseline)."""
    module_count = (lessons + per_module - 1) // per_module
    assets = [diagram(m) for m in range(1, module_count + 1)]
    names = {asset.name for asset in assets}
    started = time.perf_counter()
    modules = []
    for m in range(1, module_count + 1):
        count = min(per_module, lessons - (m - 1) * per_module)
        rendered = []
        for n in range(1, count + 1):
            key, text = f"m{m}-l{n}", lesson_markdown((m - 1) * per_module + n)
            if n == 1:
                text += f"\n![Diagram of module {m}](assets/diagram-{m}.png)\n"
            rendered.append(
                Lesson(
                    key=key,
                    title=f"Lesson {key}",
                    objectives=[f"Objective {m}.{n}"],
                    markdown=text,
                    html=lesson_html(key, text, names).html,
                )
            )
        quiz = [
            QuizItem(
                key=f"m{m}-q{n}",
                lesson_key=f"m{m}-l{n}",
                objective=f"Objective {m}.{n}",
                question=f"Which command does thing {n}?",
                choices=[f"git cmd{n}", "git log", "git status"],
                answer_index=0,
                rationale="Only that one does it.",
            )
            for n in range(1, count + 1)
        ]
        modules.append(
            Module(key=f"m{m}", title=f"Module {m}", summary="Work.", lessons=rendered, quiz=quiz)
        )
    baseline = time.perf_counter() - started
    document = CourseDocument(
        exported_at=datetime.now(UTC),
        course=CourseInfo(
            id=uuid.uuid4(),
            title="Git, at length",
            slug="git-at-length",
            language="en",
            objectives=[f"Objective {i}" for i in range(5)],
            approved=False,
        ),
        modules=modules,
        assets=assets,
    )
    return document, baseline


def best_of(repeat: int, action: Callable[[], bytes]) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(action())
        times.append(time.perf_counter() - started)
    return min(times), size


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lessons", type=int, default=50, help="lessons in the course (50)")
    parser.add_argument("--repeat", type=int, default=3, help="renders per format, best kept (3)")
    args = parser.parse_args(argv)
    if args.lessons < 1 or args.repeat < 1:
        parser.error("--lessons and --repeat must be positive")
    document, baseline = generated_course(args.lessons)
    print(f"{args.lessons} lessons in {len(document.modules)} modules; formats: {sorted(FORMATS)}")
    print(f"baseline: sanitizing every lesson took {baseline:.3f} s\n")
    print(f"{'format':<10}{'seconds':>10}{'x baseline':>12}{'size':>14}")
    results = {}
    for name, fmt in sorted(FORMATS.items()):
        seconds, size = best_of(args.repeat, lambda fmt=fmt: fmt.render(document))
        results[name] = {"seconds": seconds, "bytes": size, "ratio": seconds / baseline}
        print(f"{name:<10}{seconds:>10.3f}{seconds / baseline:>12.2f}{size:>14,}")
    total = baseline + sum(r["seconds"] for r in results.values())
    verdict = "OK" if total < TARGET_SECONDS else "MISSED"
    print(
        f"\ntarget   every format once, in total < {TARGET_SECONDS:.0f} s: {total:.2f} s  {verdict}"
    )
    out = ROOT / "bench" / "results" / f"exports-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"lessons": args.lessons, "baseline": baseline, "formats": results}, indent=2)
    )
    print(f"results written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The course graph, wiring only (nodes live in nodes/, one per file):

brief -> outline -> outline gate -> lessons in parallel -> quizzes per module -> assembly ->
final gate. Each lesson is a loop of its own (a subgraph: draft, gate, draft again when
rejected), so a rejected lesson is rewritten at once while the others wait for their
reviewers; quizzes start when every lesson is approved. Rejections loop back to the part
rejected, and only it.
"""

from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from app.workflow.context import WorkflowDeps
from app.workflow.nodes.assembly import assemble
from app.workflow.nodes.final_review import review_final
from app.workflow.nodes.lesson import draft_lesson
from app.workflow.nodes.lesson_review import review_lesson
from app.workflow.nodes.lessons_join import join_lessons
from app.workflow.nodes.outline import draft_outline
from app.workflow.nodes.outline_review import review_outline
from app.workflow.nodes.quiz import draft_quiz
from app.workflow.state import CourseState, LessonFlowOutput, LessonFlowState
from app.workflow.tasks import LessonTask

CourseGraph = CompiledStateGraph[CourseState, WorkflowDeps, CourseState, CourseState]
LessonFlow = CompiledStateGraph[LessonFlowState, WorkflowDeps, LessonTask, LessonFlowOutput]


def build_lesson_flow() -> LessonFlow:
    """One lesson: draft, gate, and back to draft on rejection; it checkpoints with the course
    graph (a subgraph inherits its checkpointer), under a namespace of its own."""
    flow = StateGraph(
        LessonFlowState,
        context_schema=WorkflowDeps,
        input_schema=LessonTask,
        output_schema=LessonFlowOutput,
    )
    flow.add_node("draft_lesson", draft_lesson)
    flow.add_node("lesson_review", review_lesson, destinations=("draft_lesson", END))
    flow.add_edge(START, "draft_lesson")
    flow.add_edge("draft_lesson", "lesson_review")
    return flow.compile()


def build_graph(checkpointer: BaseCheckpointSaver[str]) -> CourseGraph:
    graph = StateGraph(CourseState, context_schema=WorkflowDeps)
    graph.add_node("outline", draft_outline)
    graph.add_node("outline_review", review_outline, destinations=("outline", "lesson"))
    graph.add_node("lesson", build_lesson_flow())
    graph.add_node("lessons_join", join_lessons, destinations=("draft_quiz", END))
    graph.add_node("draft_quiz", draft_quiz)
    graph.add_node("assembly", assemble)
    graph.add_node("final_review", review_final, destinations=("lesson", END))
    graph.add_edge(START, "outline")
    graph.add_edge("outline", "outline_review")
    graph.add_edge("lesson", "lessons_join")
    graph.add_edge("draft_quiz", "assembly")
    graph.add_edge("assembly", "final_review")
    return graph.compile(checkpointer=checkpointer)

"""The course graph, wiring only (nodes live in nodes/, one per file):

brief -> outline -> outline gate -> lessons in parallel -> one gate per lesson -> quizzes per
module -> assembly -> final gate. Rejections loop back to the part rejected, and only it.
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
from app.workflow.state import CourseState

CourseGraph = CompiledStateGraph[CourseState, WorkflowDeps, CourseState, CourseState]


def build_graph(checkpointer: BaseCheckpointSaver[str]) -> CourseGraph:
    graph = StateGraph(CourseState, context_schema=WorkflowDeps)
    graph.add_node("outline", draft_outline)
    graph.add_node("outline_review", review_outline, destinations=("outline", "draft_lesson"))
    graph.add_node("draft_lesson", draft_lesson, destinations=("lesson_review",))
    graph.add_node("lesson_review", review_lesson, destinations=("draft_lesson", "lessons_join"))
    graph.add_node("lessons_join", join_lessons, destinations=("draft_quiz", END))
    graph.add_node("draft_quiz", draft_quiz)
    graph.add_node("assembly", assemble)
    graph.add_node("final_review", review_final, destinations=("draft_lesson", END))
    graph.add_edge(START, "outline")
    graph.add_edge("outline", "outline_review")
    graph.add_edge("draft_quiz", "assembly")
    graph.add_edge("assembly", "final_review")
    return graph.compile(checkpointer=checkpointer)

"""Lessons: the course, step by step, each step a live seqviz view.

A lesson is data (``lessons/NN_name.toml`` at the project's root, English and 简体中文 side by side), read and
checked here (``loader``) into typed objects (``schema``). What completes a step on a model event
(``events``) and the answers that the live model gives to a question (``measures``) are plain functions of
plain observations, so the CLI and tests use exactly what the lesson page shows. No streamlit here.
"""

from seqviz.lessons.loader import LESSONS_DIR, load_lesson, load_lessons
from seqviz.lessons.schema import (
    LANGUAGES,
    Completion,
    Lesson,
    LessonError,
    MeasureSpec,
    Question,
    Step,
    Text,
    ViewSpec,
)

__all__ = [
    "LANGUAGES",
    "LESSONS_DIR",
    "Completion",
    "Lesson",
    "LessonError",
    "MeasureSpec",
    "Question",
    "Step",
    "Text",
    "ViewSpec",
    "load_lesson",
    "load_lessons",
]

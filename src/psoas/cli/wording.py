"""Errors worded for the command line: a field the services name becomes the option typed.

Services name what was wrong in the contract's terms (``days``, ``timezone``,
``person``: :class:`~psoas.errors.InvalidValues`, :class:`~psoas.errors.ConflictsWithRecord`).
Here, in the CLI's one place for errors, each such field becomes the option that
gave it (``--work-days``) when the person typed that option, or the environment
variable when it came from one; a value nobody typed (a default) keeps the field's
own name, so nobody reads "--person is not valid" who never typed ``--person``.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from psoas.content.words import say
from psoas.errors import ConflictsWithRecord, FieldProblem, InvalidValues, PsoasError

PARAMETER_OF_FIELD = {"start": "work_start", "end": "work_end", "days": "work_days"}
"""Fields whose option has a longer name than the field (``days`` is ``--work-days``)."""

TO_BE_GIVEN = frozenset({"tool"})
"""Fields a refusal asks the person to give: named by their option even when not typed."""


def for_the_command_line(error: PsoasError, traceback: TracebackType | None) -> str:
    """The error's message, its fields named as the command that failed took them."""
    if not isinstance(error, InvalidValues | ConflictsWithRecord):
        return error.message
    command = _command_context(traceback)
    if command is None:
        return error.message
    problems = [_as_typed(problem, command) for problem in error.problems]
    if problems == list(error.problems):
        return error.message
    head = say("errors.not_valid", what=error.source, count=len(problems))
    if isinstance(error, ConflictsWithRecord):
        return "\n".join(f"{problem}" for problem in problems)
    return "\n".join([head, *(f"  {problem}" for problem in problems)])


def _as_typed(problem: FieldProblem, command: Any) -> FieldProblem:
    head, _, rest = problem.field.partition(".")
    name = PARAMETER_OF_FIELD.get(head, head)
    parameter = next((p for p in command.command.params if p.name == name), None)
    if parameter is None:
        return problem
    source = getattr(command.get_parameter_source(name), "name", None)
    if source == "COMMANDLINE" or head in TO_BE_GIVEN:
        label = max(parameter.opts, key=len)
    elif source == "ENVIRONMENT" and parameter.envvar:
        label = str(parameter.envvar)
    else:
        return problem
    return FieldProblem(label + (f".{rest}" if rest else ""), problem.problem)


def _command_context(traceback: TracebackType | None) -> Any:
    """The click context of the command that raised (the innermost one on the way out)."""
    found = None
    while traceback is not None:
        candidate = traceback.tb_frame.f_locals.get("ctx")
        if hasattr(candidate, "get_parameter_source") and not hasattr(
            getattr(candidate, "command", None), "commands"
        ):
            found = candidate
        traceback = traceback.tb_next
    return found

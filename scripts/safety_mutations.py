"""Remove one safety rule at a time and show that a property test notices.

Each mutation below takes one rule out of a copy of ``src/`` (code, data, or both where
the rule is held twice), then runs ``tests/core/test_properties.py`` against that copy.
A mutation that leaves every property passing means a rule no test guards: the script
prints it and exits 1. About a minute a mutation; not part of ``scripts/test``.

    .venv/bin/python scripts/safety_mutations.py [--only TEXT]

``tests/test_safety_mutations.py`` keeps the edits applicable as the source moves on.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROPERTIES = "tests/core/test_properties.py"


@dataclass(frozen=True)
class Edit:
    path: str
    old: str
    new: str


@dataclass(frozen=True)
class Mutation:
    name: str
    edits: tuple[Edit, ...]


SAFETY = "src/psoas/core/safety.py"
PLANNING = "src/psoas/core/planning.py"
TECHNIQUES = "src/psoas/content/techniques"

MUTATIONS = (
    Mutation(
        "pregnancy is never a contraindication",
        (Edit(SAFETY, "Derived.PREGNANT: read.yes(q.PREGNANT),", "Derived.PREGNANT: NO,"),),
    ),
    Mutation(
        "an unanswered question reads as no",
        (
            Edit(
                SAFETY,
                "return Finding(None, frozenset({question})) if answer is None "
                "else Finding(bool(answer))",
                "return NO if answer is None else Finding(bool(answer))",
            ),
        ),
    ),
    Mutation(
        "no age/vascular rule",
        (
            Edit(
                SAFETY,
                "Derived.AORTIC_RISK: all_of(",
                "Derived.AORTIC_RISK: NO if True else all_of(",
            ),
        ),
    ),
    Mutation(
        "a recent operation elsewhere does not block",
        (
            Edit(
                SAFETY,
                "Derived.RECENT_OTHER_SURGERY: "
                "read.recent_surgery(frozenset({SurgeryRegion.OTHER})),",
                "Derived.RECENT_OTHER_SURGERY: NO,",
            ),
        ),
    ),
    Mutation(
        "open questions stop blocking once something is found (reason and code check)",
        (
            Edit(SAFETY, "    elif blocking_open:\n", "    elif blocking_open and not present:\n"),
            Edit(
                SAFETY,
                '            and not blocking_open  # in code: unknown is never "no", '
                "whatever the data says\n",
                "",
            ),
        ),
    ),
    Mutation(
        "an open urgent question still allows exercise",
        (
            Edit(
                SAFETY,
                "stretching_allowed=level in SELF_CARE_LEVELS and not urgent_open,",
                "stretching_allowed=level in SELF_CARE_LEVELS,",
            ),
        ),
    ),
    Mutation(
        "the plan ignores open urgent questions (route and permission)",
        (
            Edit(PLANNING, "    elif safety.awaits_urgent_answers:\n", "    elif False:\n"),
            Edit(
                PLANNING,
                "    if safety.level is SafetyLevel.REFER or safety.awaits_urgent_answers:\n",
                "    if safety.level is SafetyLevel.REFER:\n",
            ),
        ),
    ),
    Mutation(
        "an aneurysm with pain is only refer",
        (
            Edit(
                SAFETY,
                "Derived.SYMPTOMATIC_ANEURYSM: all_of(",
                "Derived.SYMPTOMATIC_ANEURYSM: NO if True else all_of(",
            ),
        ),
    ),
    Mutation(
        "urgent plans hold more than seek care (route and permission)",
        (
            Edit(
                PLANNING,
                '        return technique.id == "seek_care_now"\n',
                "        return technique.kind in NOTHING_PHYSICAL\n",
            ),
            Edit(
                PLANNING,
                '        planner.add_referral("seek_care_now", SafetyLevel.URGENT)\n',
                '        planner.add_referral("seek_care_now", SafetyLevel.URGENT)\n'
                "        planner.add_education(assessment.factors)\n",
            ),
        ),
    ),
    Mutation(
        "a DVT no longer blocks (data and code)",
        (
            Edit(SAFETY, "        Medical.DEEP_VEIN_THROMBOSIS,\n", ""),
            Edit(
                "src/psoas/content/safety_rules.yaml",
                "while the clot is treated.\n    blocks_self_release: true",
                "while the clot is treated.\n    blocks_self_release: false",
            ),
            Edit(f"{TECHNIQUES}/release.yaml", "      - deep_vein_thrombosis\n", ""),
        ),
    ),
    Mutation(
        "clamshell allowed after recent hip surgery",
        (
            Edit(
                f"{TECHNIQUES}/strengthening.yaml",
                "    excluded_by:\n      - recent_hip_surgery\n\n  - id: belly_bracing",
                "    excluded_by: []\n\n  - id: belly_bracing",
            ),
        ),
    ),
    Mutation(
        "the couch stretch allowed in pregnancy",
        (
            Edit(
                f"{TECHNIQUES}/stretches.yaml",
                "    excluded_by:\n      - pregnant\n      - recent_birth\n"
                "      - recent_trunk_surgery\n      - recent_hip_surgery\n"
                "      - spinal_stenosis_or_spondylolisthesis\n\n  - id: side_reach_lunge_stretch",
                "    excluded_by:\n      - recent_birth\n"
                "      - recent_trunk_surgery\n      - recent_hip_surgery\n"
                "      - spinal_stenosis_or_spondylolisthesis\n\n  - id: side_reach_lunge_stretch",
            ),
        ),
    ),
    Mutation(
        "unanswered caution-level conditions do not change the plan",
        (
            Edit(
                SAFETY,
                "            if condition in undecided and rules[condition].level is "
                "SafetyLevel.CAUTION\n",
                "            if False\n",
            ),
        ),
    ),
)


def apply(mutation: Mutation, src: Path) -> None:
    """Make the mutation's edits in the tree ``src`` is the parent of (each edit once)."""
    for edit in mutation.edits:
        file = src / edit.path
        text = file.read_text()
        if edit.old not in text:
            raise SystemExit(f"{mutation.name}: {edit.path} no longer holds {edit.old!r}")
        file.write_text(text.replace(edit.old, edit.new, 1))


def failing_properties(mutation: Mutation) -> tuple[list[str], str]:
    """The property tests that fail with ``mutation`` applied, and pytest's last line."""
    with tempfile.TemporaryDirectory(prefix="psoas-mutation-") as scratch:
        copy = Path(scratch)
        shutil.copytree(ROOT / "src", copy / "src")
        apply(mutation, copy)
        env = {**os.environ, "PYTHONPATH": f"{copy / 'src'}{os.pathsep}{ROOT}"}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "--no-header", "-p", "no:cacheprovider"]
            + ["-o", "addopts=", PROPERTIES],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    failed = sorted(set(re.findall(rf"FAILED {PROPERTIES}::(\w+)", result.stdout)))
    lines = result.stdout.strip().splitlines() or result.stderr.strip().splitlines() or [""]
    return failed, lines[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the mutations whose name holds this")
    args = parser.parse_args()
    unguarded = []
    for mutation in MUTATIONS:
        if args.only not in mutation.name:
            continue
        failed, last = failing_properties(mutation)
        print(f"{mutation.name}: {', '.join(failed) or 'NO PROPERTY FAILED'} | {last}", flush=True)
        if not failed:
            unguarded.append(mutation.name)
    if unguarded:
        print(f"rules no property guards: {'; '.join(unguarded)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

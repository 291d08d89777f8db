"""psoas: psoas-release therapy — intake and safety, plan, guided sessions, tracking.

It educates and guides; it does not diagnose. The package is laid out in
layers (see ARCHITECTURE.md): ``content`` and ``core`` are pure, ``store``
and friends are adapters, ``services`` orchestrates, ``cli`` is a face.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

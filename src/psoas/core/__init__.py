"""Pure domain logic of psoas: no I/O, no frameworks, only :mod:`psoas.content` below it."""

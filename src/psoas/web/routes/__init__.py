"""One router per resource; each calls services and returns contract documents."""

"""Exchange with other programs: iCalendar reminders (and, later, FHIR and CSV)."""

"""Keys of earlier model versions: refused with what replaced them, not as "unknown key"."""

# The loader, --set and `Scenario.with_overrides` report these messages.
REMOVED_KEYS: dict[str, str] = {
    "dynamics.sessions.g_mentor": "removed in model v3; mentors' recognition is now the voice "
    "stock: set dynamics.engagement.a_voice (and h, l_half)",
    "dynamics.engagement.climate_window_weeks": "removed in model v3; the listening climate is "
    "now a decaying stock of session hours: set dynamics.engagement.h (weeks) and l_half",
}

"""Agent-based simulation of reverse-mentoring programs in an organisation."""

"""Pictures: figures from stored tables, report.html, and the workshop animation.

Plots and the report read result tables only; the animation is the one picture that steps
a model itself.
"""

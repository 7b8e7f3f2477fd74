"""The calendar constants: a step is one week, a year 52 of them (docs/ODD.md section 3)."""

WEEKS_PER_YEAR = 52
"""Weeks in a model year: annual rates become weekly ones with it, and turnover, the
new-hire factor, mentor retention and the outcome windows look back or ahead this many
weeks."""

DAYS_PER_WEEK = 7
"""Days in a week: an HR export's dates become whole weeks of tenure."""

WORKING_AGE = 18
"""Nobody has worked in the organisation since before this age (caps the initial tenure)."""

"""`sim plan`: a program's rollout designed as an experiment, and its power computed on the model.

A plan says when each unit (a department) starts the program: all at once, a random half
now and the rest after the evaluation, a random order every few months (stepped-wedge), or
a pilot in a few units. Each simulated replicate runs the organisation under every plan and
under no program on the same seed (common random numbers), records each unit's exits month
by month and analyses them as an analyst would the real data
(`sim.analysis.rollout_estimate`). Across replicates that gives each plan's power, minimum
detectable effect, the width of its interval and the cost of the turnover later starts
leave (docs/hr.md, "Plan the evaluation").

Modules: `plans` (what a plan is; which unit starts when, from the seed's keyed draws),
`simulate` (one replicate's runs and estimates), `summary` (the table across replicates and
the recommendation), `assignment` (the start dates the organisation can use).
"""

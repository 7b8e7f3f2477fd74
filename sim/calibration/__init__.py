"""Calibration: the shared behavioural parameters fitted to the cases, and what they predict.

`cases` gives a case file's scenario at a particle's values, `patterns` the summaries of the
case, their observation error and the distance, `effects` the program's year-1 effects the
prior predictive checks bound, `abc_smc` is the joint ABC-SMC fit (pyabc), `posterior` reads,
writes and draws from the fitted posterior (and serves `--uncertainty posterior`), `predict`
runs the posterior predictive checks of every case, and `case_medians` writes the posterior
medians into the case files. The priors stay in `sim.scenario.priors`, because validation and
the sensitivity ranges read them too.
"""

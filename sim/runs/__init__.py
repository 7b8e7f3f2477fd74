"""Running many runs: replicates on shared seeds, experiments and sweeps, and their results.

Its one job is to turn a validated `Scenario` into tidy tables: replicate runs of every design
on common random numbers (`replicates`), the effects that need a paired run (`effects`),
experiments over parameter samples (`experiment`), sweep files (`sweep_file`), where runs
execute (`executors`: serial, processes, Dask), the SQLite result store (`store`) and results
folders written whole or not at all (`output`). It steps models and writes tables; it analyses
nothing beyond a run's own rows and draws nothing.
"""

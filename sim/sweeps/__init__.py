"""Many runs: replicates, experiments and sweeps, their executors and stored results.

Replicate runs of a scenario, parameter sweeps (`Experiment`), local-process and Dask
executors, the SQLite result store, sweep files, sensitivity analysis and calibration. It
steps models and writes tables; it draws nothing (that is `sim.viz`).
"""

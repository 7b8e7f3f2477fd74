"""Your organisation's own numbers: an HR history read, fitted and turned into scenario values.

`sim history EXPORT.csv --out DIR` reads an event history (hire and exit dates) or a snapshot
(who left over a window), reports turnover by generation, level and tenure band, fits exit on
the survey score (lifelines' Cox model, and the model's own exit equation by maximum
likelihood) and writes ``history.toml``: the scenario values the history implies and
posterior-like draws of them, which ``sim run/compare/explain --history`` use.

Modules, in the order a history goes through them:

- `columns`: the export's columns and its shape;
- `read`: the rows, checked, as one row per person without identifiers (`read_history`);
- `groups`: generation, role, level and tenure band;
- `rates`: annual turnover by group with intervals, small groups suppressed;
- `fit`: the Cox fits and the exit equation's maximum likelihood;
- `values`: history.toml written and read, and its draws merged into the posterior;
- `starts`: each department's program start (`sim plan`'s assignment.csv, or a simple file);
- `evaluate`: with ``--program-starts``, the department x month panel of juniors and the
  program's effect on their exits (the rollout estimator `sim plan` uses);
- `page`: the Kaplan-Meier figure and the HTML page;
- `synth`: synthetic histories made by the model's exit equation (tests, demos).
"""

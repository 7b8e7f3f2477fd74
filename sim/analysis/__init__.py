"""Analysis of stored results: means with 95% intervals, paired differences, money, and text.

Everything here reads the tidy tables (a row per run) and nothing else: no model is run.

- `intervals`: means over replicates with t-intervals (on the logit scale for shares and
  rates), few-replicate warnings, summaries per design and per sweep point;
- `paired`: runs lined up by seed, paired differences against a baseline, a paired bootstrap;
- `money`: net benefit, return on investment, payback, break-even (`money_table`, `Horizon`),
  predictive intervals and the chance of a gain, and which design is best (`ranking_table`);
- `text`: numbers, percentages and amounts as people read them, and tables of them.

Every public name is available here too (`from sim import analysis; analysis.mean_interval`).
"""

from sim.analysis.intervals import (
    FEW_REPLICATES,
    INTERVAL_METHOD,
    bounded_interval,
    few_replicates_warning,
    insert_point,
    mean_interval,
    outcome_columns,
    outcome_interval,
    replicates_text,
    summarise_designs,
    summarise_points,
    target_table,
)
from sim.analysis.money import (
    ASSUMED_COST_PER_EXIT,
    MONEY_COLUMNS,
    MONEY_MEASURES,
    PREDICTIVE_LEVEL,
    PREDICTIVE_METHOD,
    Horizon,
    money_table,
    net_benefit_by_week,
    payback_week,
    predictive,
    program_cost_per_avoided_exit,
    program_cost_per_avoided_exit_interval,
    ranking_table,
    share_interval,
)
from sim.analysis.paired import (
    align,
    align_by_seed,
    bootstrap_ratio,
    paired_differences,
    paired_differences_by_point,
)
from sim.analysis.text import (
    HEADLINE,
    MENTOR_RETENTION,
    break_even_lines,
    design_titles,
    differences_table,
    format_amount,
    format_interval,
    format_outcome,
    headline_table,
    horizon_note,
    is_money_outcome,
    is_percent_outcome,
    money_cell,
    money_display,
    money_labels,
    ranking_display,
    ranking_sentence,
    verdict_lines,
)

__all__ = [
    "ASSUMED_COST_PER_EXIT",
    "FEW_REPLICATES",
    "HEADLINE",
    "INTERVAL_METHOD",
    "MENTOR_RETENTION",
    "MONEY_COLUMNS",
    "MONEY_MEASURES",
    "PREDICTIVE_LEVEL",
    "PREDICTIVE_METHOD",
    "Horizon",
    "align",
    "align_by_seed",
    "bootstrap_ratio",
    "bounded_interval",
    "break_even_lines",
    "design_titles",
    "differences_table",
    "few_replicates_warning",
    "format_amount",
    "format_interval",
    "format_outcome",
    "headline_table",
    "horizon_note",
    "insert_point",
    "is_money_outcome",
    "is_percent_outcome",
    "mean_interval",
    "money_cell",
    "money_display",
    "money_labels",
    "money_table",
    "net_benefit_by_week",
    "outcome_columns",
    "outcome_interval",
    "paired_differences",
    "paired_differences_by_point",
    "payback_week",
    "predictive",
    "program_cost_per_avoided_exit",
    "program_cost_per_avoided_exit_interval",
    "ranking_display",
    "ranking_sentence",
    "ranking_table",
    "replicates_text",
    "share_interval",
    "summarise_designs",
    "summarise_points",
    "target_table",
    "verdict_lines",
]

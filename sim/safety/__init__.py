"""Safety of what the simulation writes and accepts: the shared low-level guards.

Every layer's writers use these: names made safe for paths (`names`), spreadsheet-safe
CSV cells (`cells`), output targets checked and written whole (`targets`), folder locks
(`locks`), resource estimates checked up front (`resources`) and termination signals
handled like Ctrl-C (`signals`). This package sits in the lowest layer and imports no
other part of `sim`.
"""

"""The Mesa model of one organisation under one program design.

The org graph, the registry of per-person attributes and the per-position arrays it
defines, the Junior and Senior agents, the program, the weekly submodels as whole-array
functions, and weekly observation. It knows nothing of files, sweeps, pictures or the
command line; it reads only `sim.scenario` objects.
"""

from sim.model.agents import Employee, Junior, Senior, StaleAgentError
from sim.model.model import OrgCultureModel

__all__ = ["Employee", "Junior", "OrgCultureModel", "Senior", "StaleAgentError"]

"""Studies of the model itself: which pathway carries an effect, which parameter matters.

`explain` splits a design's effect into its pathways (exact Shapley values), `sensitivity`
runs the Morris and Sobol analyses of the behavioural parameters, and `ablation` switches the
org ties' mechanisms off. Each runs many models through `sim.runs` and returns tables.
"""

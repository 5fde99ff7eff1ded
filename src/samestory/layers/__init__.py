"""Stage 1, layers: the rules of one annotation layer that its field declarations (`samestory.schema`) cannot
express, one module per layer, each called by every stage that needs the rule (validator, prediction
checker, proposal tools, baselines) instead of a copy of it."""

"""synth: bottom-up skeleton synthesis with observational equivalence and egglog."""

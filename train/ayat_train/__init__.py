"""ayat acoustic-model training: prepare -> train -> export, each a rerunnable stage."""

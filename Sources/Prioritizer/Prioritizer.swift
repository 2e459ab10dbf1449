// The Prioritizer module: the daily worklist (DESIGN §6).

"""The demo organisation: a believable, entirely fictional company with months of history,
and the console commands that start Rapport (`demo`, `seed_demo`, `serve`, `worker`)."""

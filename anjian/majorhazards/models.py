"""Major hazard sources (危险化学品重大危险源, GB 18218-2018)."""

"""Risk points, risk assessments and control measures (安全风险分级管控)."""

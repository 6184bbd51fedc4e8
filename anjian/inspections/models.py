"""Inspections (排查): self-inspection duties with their cadences, the tasks they schedule,
and inspection records with per-item results. Built by the inspections work package."""

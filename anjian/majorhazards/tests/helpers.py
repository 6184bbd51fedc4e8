"""Builders for this app's tests (through the services, as users would)."""

from __future__ import annotations

import datetime

from anjian.orgs.choices import Role

from .. import services
from ..calculation import SubstanceInput, current_table, evaluate, parse_substances


def calc(population: int, *substances: dict):
    """Evaluate with the current table from request-shaped substance dicts."""
    return evaluate(population, parse_substances(list(substances)), current_table())


def sub(quantity, **kw) -> SubstanceInput:
    return parse_substances([{"quantity_t": quantity, **kw}])[0]


def make_source(world, enterprise=None, *, substances=None, population=10, actor=None, name="液氯储罐区",
                unit_kind="storage"):
    """A source of ``enterprise`` (default ent_a) registered by the administrator."""
    enterprise = enterprise or world.ent_a
    actor = actor or world.users[Role.ADMIN]
    if substances is None:
        substances = [{"name": "氯", "cas": "7782-50-5", "quantity_t": 40}]
    return services.create_source(actor=actor, enterprise=enterprise,
                                  data={"name": name, "unit_kind": unit_kind, "population_500m": population},
                                  substances=substances)


def staff(source, actor, *, roles=("principal", "technical", "operational"), on=None):
    """Appoint a person in each of ``roles``. Each appointment moves the source's version on; the
    caller's copy is brought up to date at the end (as a page reloads), so it can take the next step."""
    on = on or datetime.date(2026, 1, 5)
    persons = []
    for role in roles:
        persons.append(services.appoint_person(source, actor=actor,
                                               data={"role": role, "name": f"{role}人", "appointed_on": on}))
        source.refresh_from_db()
    return persons

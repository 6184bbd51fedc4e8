"""The documentation's state tables are the declared state machines (so docs and code agree)."""

import pytest

from anjian.core.statetables import DOC_PATH, machines, render


@pytest.mark.django_db
def test_the_state_machine_document_is_current():
    # given the machines the apps declare, when the document is rendered, then it is the file in docs/
    assert DOC_PATH.read_text(encoding="utf-8") == render(), "docs/state-machines.md is stale: run `anjian statetables`"


def test_every_declared_machine_names_a_real_model_and_field():
    from django.apps import apps

    for _app, _name, machine in machines():
        model = apps.get_model(machine.model)
        try:
            field = model._meta.get_field(machine.state_field)
        except Exception:  # a state derived from other fields (e.g. a checklist's activity): a property
            assert isinstance(getattr(model, machine.state_field, None), property), machine.model
            continue
        assert set(machine.states.values) <= {c[0] for c in field.choices}

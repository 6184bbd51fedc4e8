"""Loads this app's reference data (the feature tags, the sources of the industries' high-risk
flags) for the migrations, and again after a transactional test's flush (anjian/conftest.py)."""


def load_feature_tags(model=None) -> None:
    """Create the shipped feature tags that are missing (by code); existing ones, which an
    administrator may have edited, are left as they are."""
    from .data.feature_tags import FEATURE_TAGS

    if model is None:
        from .models import FeatureTag as model
    existing = set(model.objects.values_list("code", flat=True))
    model.objects.bulk_create([
        model(code=code, name=name, description=description, source=source, source_confirmed=confirmed,
              sort=sort)
        for sort, (code, name, description, source, confirmed) in enumerate(FEATURE_TAGS, start=1)
        if code not in existing
    ])


def ensure() -> None:
    """The industries' sources and the feature tags, if a flush emptied them (idempotent; two
    queries when present). The industries themselves are reloaded by the conftest first."""
    from .data.industries import HIGH_RISK_SOURCES
    from .models import FeatureTag, Industry

    if Industry.objects.filter(high_risk_source="").exists():
        for industry in Industry.objects.filter(high_risk_source="", code__in=list(HIGH_RISK_SOURCES)):
            industry.high_risk_source = HIGH_RISK_SOURCES[industry.code]
            industry.save(update_fields=["high_risk_source"])
    if not FeatureTag.objects.exists():
        load_feature_tags()

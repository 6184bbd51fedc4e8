"""The shared test world is what its docstring says (guards the fixtures every app relies on)."""

from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role


def test_world_scopes(world):
    # given the world, when each user reads enterprises, then each sees exactly its scope
    seen = {k: set(Enterprise.objects.for_user(u).values_list("name", flat=True)) for k, u in world.users.items()}
    assert seen[Role.ADMIN] == {"甲机械有限公司", "甲建设有限公司", "乙化工有限公司"}
    assert seen[Role.REGULATOR] == {"甲机械有限公司", "甲建设有限公司"}
    assert seen[Role.INDUSTRY_OFFICER] == {"甲建设有限公司"}
    assert seen[Role.GRID_OFFICER] == {"甲机械有限公司"}
    assert seen[Role.ENTERPRISE] == {"甲机械有限公司"}
    assert seen["other_county"] == {"乙化工有限公司"}

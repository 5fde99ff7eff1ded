"""The running server accepts every checked-in labeling config and rejects a broken one."""
from __future__ import annotations

import pytest
from label_studio_sdk.core.api_error import ApiError

from samestory.core import paths
from samestory.annotate.labelstudio import client

pytestmark = pytest.mark.server


def test_labelstudio_validate_real_configs_on_server(ls_server):
    _, conn = ls_server
    ls = client.connect(conn)
    configs = sorted((paths.ANNOTATIONS / "labelstudio" / "configs").glob("*/*.xml"))
    assert len(configs) >= 3
    scratch = ls.projects.create(title="validate scratch")
    for xml_path in configs:
        xml = xml_path.read_text(encoding="utf-8")
        ls.projects.validate_label_config(id=scratch.id, label_config=xml)
        proj = ls.projects.create(title=f"validate {xml_path.parent.name} {xml_path.stem}", label_config=xml)
        assert ls.projects.get(id=proj.id).label_config.strip() == xml.strip()
    broken = configs[0].read_text(encoding="utf-8").replace('toName="text"', 'toName="txt"', 1)
    with pytest.raises(ApiError) as exc:
        ls.projects.validate_label_config(id=scratch.id, label_config=broken)
    assert exc.value.status_code == 400 and "txt" in str(exc.value.body)


def test_labelstudio_validate_configs_of_a_new_story_with_empty_inventories(ls_server):
    """`samestory story new` leaves empty inventories; its projects must still be valid configs."""
    from samestory.annotate.labelstudio.config import Inventory, project_configs

    _, conn = ls_server
    ls = client.connect(conn)
    scratch = ls.projects.create(title="validate empty story")
    for name, xml in project_configs(Inventory("new-story", (), (), ())).items():
        ls.projects.validate_label_config(id=scratch.id, label_config=xml)

"""The contact fields' keys built from the standardiser's output are exactly
what the engine's normalisers give for the same columns."""

import pandas as pd
import pytest

from matching.contact_keys import standardised_keys
from matching.contacts import CONTACT_FIELDS, SOURCE_COLUMNS
from matching.normalise import normalise_column, normalise_list
from tests.contacts import contacts, raw


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rows = [
        raw("web_forms", name="Wang Xiaoming", phone="+86 136-0013-6001, 010-6234 5678",
            email="XiaoMing.Wang＠Example。com", company="上海某某科技有限公司"),
        raw("wechat", name="王小明", phone="13600136001；(0755)8765 4321", company="某某科技（上海）"),
        raw("legacy", name="張偉先生", phone="139 1234 5601", id_card="11010519491231002x",
            email="zw@qq.com", company="华为技术有限公司"),
        raw("spreadsheets", name="张总-华为", phone="+852 9123 4567", id_card="110105194912310021"),
        raw("spreadsheets", name="李", phone="4008 123 456", email="n/a", company="n/a"),
        raw("web_forms", name="", phone="", email=""),
    ]
    return contacts(*rows)


def test_standardised_keys_equal_the_normalisers(frame: pd.DataFrame) -> None:
    fields = {s.column: s for s in CONTACT_FIELDS}
    given = standardised_keys(frame, {s.column: s.kind for s in CONTACT_FIELDS})
    assert set(given) == {"name", "phone", "email", "company", "id_card"}
    for field, keys in given.items():
        spec = fields[field]
        column = frame[SOURCE_COLUMNS.get(field, field)]
        expected = (normalise_list(column, spec.definition.normaliser, spec.separator)
                    if spec.separator else normalise_column(column, spec.definition.normaliser))
        pd.testing.assert_frame_equal(keys.reset_index(drop=True), expected.reset_index(drop=True),
                                      check_dtype=False, obj=field)

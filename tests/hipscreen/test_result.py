"""The JSON result is strict JSON: NaN becomes null, numpy types become plain ones."""

import json

import numpy as np

from hipscreen.result import jsonable, to_json


def test_nan_and_numpy_become_plain_json():
    obj = {"a": np.float32(1.23456), "b": np.nan, "c": np.array([1.0, np.inf]), "d": np.int64(3), "e": np.bool_(True)}
    assert jsonable(obj) == {"a": 1.235, "b": None, "c": [1.0, None], "d": 3, "e": True}
    assert json.loads(to_json(obj)) == {"a": 1.235, "b": None, "c": [1.0, None], "d": 3, "e": True}

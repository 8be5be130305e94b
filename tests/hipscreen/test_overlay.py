"""The angle panel drawn on the overlay video."""

from __future__ import annotations

import numpy as np
import pytest

from hipscreen.overlay import OVERLAY_LABELS, draw_frame, leg_line

ANGLES = {"pelvic_drop_deg": -12.3, "trunk_lean_deg": 10.5, "knee_fppa_deg": -15.7, "hip_adduction_deg": 20.1}


def test_patient_names_cover_every_angle_without_jargon():
    assert OVERLAY_LABELS["patient"].keys() == OVERLAY_LABELS["clinician"].keys() == ANGLES.keys()
    for label in OVERLAY_LABELS["patient"].values():
        assert not any(word in label.lower() for word in ("fppa", "adduction", "pelvic", "valgus"))


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_the_panel_fits_a_portrait_phone_frame(audience):
    # A 540 x 960 portrait frame (what a phone video is decoded to for the model), all black:
    # the panel is drawn from the top-left corner and must end before the right edge.
    black = np.zeros((960, 540, 3), np.uint8)
    img = draw_frame(black, {}, side="right", angles=ANGLES, caption="12.34 s  rep 3", labels=OVERLAY_LABELS[audience])
    panel_rows = img[:150]
    assert panel_rows.any(), "no panel was drawn"
    assert not panel_rows[:, -5:].any(), "the panel reaches the right edge of the frame"


def test_the_leg_line_says_standing_only_inside_an_event():
    # before a hold or between the steps found the person may stand on both feet: the panel
    # then names the leg of the nearest event whose angles it shows, not a "standing leg"
    assert leg_line("left", inside_event=True, noun="hold") == "Standing leg: left"
    assert leg_line("left", inside_event=False, noun="hold") == "Leg shown: left (nearest hold)"

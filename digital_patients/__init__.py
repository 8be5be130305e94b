"""Digital patients: rendered clips of a parametric body with known frontal-plane truth.

A body (Anny, built on MakeHuman) is posed by our own motion scripts (step-down,
single-leg squat, single-leg stance, treadmill gait), filmed by a virtual phone
camera, encoded as H.264, and saved beside a ``<clip>.truth.json`` holding the rig's
joint centres projected into the displayed frame and the four angles of
docs MEASURES section 2 computed from them.

Only :mod:`digital_patients.truth` and :mod:`digital_patients.truth_file` are light
(numpy only); everything that renders needs the optional extra ``render``
(torch, anny, pyrender, trimesh, PyOpenGL).
"""

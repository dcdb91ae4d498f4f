"""``alloava_analysis.choices``: one place for allowed values, used as is by the modules that check them."""
from __future__ import annotations

import subprocess
import sys

from alloava_analysis import choices


def _tuples() -> dict[str, tuple]:
    return {name: value for name, value in vars(choices).items() if name.isupper()}


def test_every_choice_is_a_nonempty_tuple_of_distinct_strings():
    tuples = _tuples()
    assert {"SPEECH_RATES", "POOLING", "EXPORT_FORMATS"} <= set(tuples)
    for name, value in tuples.items():
        assert isinstance(value, tuple) and value, name
        assert all(isinstance(v, str) and v for v in value) and len(set(value)) == len(value), name


def test_the_analysis_modules_check_against_these_very_tuples():
    from alloava_analysis.crossmodal import correlation, coupling, synchrony
    from alloava_analysis.evaluate import beats
    from alloava_analysis.features import motion, prosody
    from alloava_analysis.runs import export

    assert correlation.POOLING is choices.POOLING and synchrony.NULLS is choices.SYNCHRONY_NULLS
    assert beats.DIRECTIONS is choices.DIRECTIONS and export.FORMATS is choices.EXPORT_FORMATS
    assert (motion.RELATIVE_TO, motion.CUT_HANDLING, motion.CUT_SOURCES) == (
        choices.RELATIVE_TO, choices.CUT_HANDLING, choices.CUT_SOURCES)
    assert prosody.F0_METHODS is choices.F0_METHODS and tuple(prosody.EVENT_KINDS) == choices.PROSODIC_EVENTS
    assert tuple(coupling.SPEECH_RATES) == choices.SPEECH_RATES and tuple(coupling.MI_SIGNALS) == choices.MI_SIGNALS


def test_importing_the_choices_loads_nothing_beyond_the_standard_library():
    code = ("import sys; import alloava_analysis.choices; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'pandas', 'xarray', 'scipy')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"

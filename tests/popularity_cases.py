"""Small catalogues and the hypothesis strategy for demand parameters, shared by the popularity tests."""

from __future__ import annotations

from hypothesis import strategies as st

from labcdn.popularity import CatalogueParams, DemandParams

SMALL = CatalogueParams(n_titles=10, audio_languages=(4, 3, 2), text_languages=(3, 2, 1), language_jitter=1)
TINY = CatalogueParams(n_titles=5, audio_languages=(3, 2, 1), text_languages=(2, 2, 1), language_jitter=1)

demands = st.builds(
    DemandParams,
    zipf_exponent=st.floats(0.3, 1.3),
    concentration=st.floats(0.0, 2.5),
    subtitle_share=st.floats(0.0, 1.0),
    original_audio_share=st.floats(0.0, 1.0),
    audio_description_share=st.floats(0.0, 0.2),
    bandwidth_sigma=st.floats(0.3, 2.0),
)
seeds = st.integers(0, 2**31 - 1)

"""The labcdn CLI: --help everywhere, --json prints one JSON object, bad input exits 2 with the reason."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from labcdn.cli import COMMANDS, main


def test_python_dash_m_help_lists_every_study():
    out = subprocess.run([sys.executable, "-m", "labcdn", "--help"], capture_output=True, text=True, check=True)
    for name in COMMANDS:
        assert name in out.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_has_help(name, capsys):
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    assert "--json" in capsys.readouterr().out


def test_datasets_json_is_one_object(capsys):
    assert main(["datasets", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["files"]) >= {"netflix_top10", "alibaba_pods"}


def test_bad_option_value_names_parameter_and_range(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["caching", "--capacity-fraction", "2", "--json"])
    assert exc.value.code == 2
    assert "capacity_fraction=2.0" in capsys.readouterr().err


def test_caching_json_on_the_umass_trace(capsys):
    main(["caching", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["requests"] == 5771
    ratios = out["hit_ratio_whole_trace"]
    assert ratios["belady"] >= max(ratios["lru"], ratios["fifo"], ratios["lfu"])


def test_serving_json_reports_the_mbuf_gain_and_the_all_fixes_level(capsys):
    """Issue 12: the 24-page mbuf gain beside the post's +7, the all-fixes TLS level beside its 90."""
    assert main(["serving", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mbuf_page_arrays_gain_published_gbps"] == 7.0
    assert out["tls_all_fixes_published_gbps"] == 90.0
    assert 0 < out["mbuf_page_arrays_gain_gbps"] < 90.0 - 65.0  # a gain, not the 65 -> 90 misreading
    assert out["tls_all_fixes_gbps"] > 65.0 + out["mbuf_page_arrays_gain_gbps"] - 1e-9
    assert out["request_mbufs"] == {"1 page per mbuf": 256, "24 pages per mbuf": 11}

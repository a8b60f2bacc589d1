from pathlib import Path

import pytest

from hall.core.errors import ValidationError
from hall.core.settings import Settings, effective_counter, load_settings, save_settings


def test_settings_round_trip_and_counter_override(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings(counter_code="C03", hall_name="贾汪区政务服务中心"))
    loaded = load_settings(path)
    assert loaded.counter_code == "C03" and loaded.hall_name == "贾汪区政务服务中心"
    assert effective_counter(loaded, {}) == "C03"
    assert effective_counter(loaded, {"HALL_COUNTER": " c11 "}) == "C11"
    with pytest.raises(ValidationError, match="窗口编号"):
        effective_counter(loaded, {"HALL_COUNTER": "1号窗口"})


def test_corrupt_or_foreign_settings_give_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"\x00{not json")
    assert load_settings(path) == Settings()
    path.write_text('{"counter_code": "C02", "unknown_key": 1}', encoding="utf-8")
    assert load_settings(path).counter_code == "C02"
    assert load_settings(tmp_path / "missing.json") == Settings()


def test_hand_edited_values_of_the_wrong_type_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        '{"version": "abc", "language": 5, "counter_code": "garbage!", '
        '"hall_name": true, "hall_code": "320305"}',
        encoding="utf-8",
    )
    loaded = load_settings(path)
    assert loaded == Settings(hall_code="320305")


def test_fullwidth_counter_is_normalised_and_a_bad_override_is_named(tmp_path: Path) -> None:
    assert effective_counter(Settings(), {"HALL_COUNTER": "Ｃ０５"}) == "C05"
    with pytest.raises(ValidationError, match="HALL_COUNTER"):
        effective_counter(Settings(), {"HALL_COUNTER": "garbage!"})

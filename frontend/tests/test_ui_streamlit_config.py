"""The app's Streamlit settings: found by Streamlit beside app.py, each one a real option."""

import tomllib
from pathlib import Path

from streamlit import config, file_util

import llm_starter_ui

APP = Path(llm_starter_ui.__file__).with_name("app.py")
CONFIG = APP.parent / ".streamlit" / "config.toml"


def test_streamlit_looks_for_the_settings_beside_the_installed_app() -> None:
    found = file_util.get_main_script_streamlit_file_path(str(APP), "config.toml")
    assert Path(found) == CONFIG
    assert CONFIG.is_file()


def test_every_setting_is_a_streamlit_option_and_the_product_ones_are_set() -> None:
    settings = tomllib.loads(CONFIG.read_text())
    names = {f"{section}.{key}" for section, values in settings.items() for key in values}
    assert names <= set(config.get_config_options())  # a misspelt option would be ignored
    assert settings["client"]["toolbarMode"] == "minimal"  # no Deploy button
    assert settings["browser"]["gatherUsageStats"] is False
    assert 1 <= settings["server"]["maxUploadSize"] <= 10
    assert settings["theme"]["primaryColor"]

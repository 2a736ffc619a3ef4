"""The adversarial suite: hostile inputs against the CLI, model folders, the Hub,
storage and imports, and markup and logs. Each case asserts what the user sees:
an exit code, one clear message, nothing written outside its folder, saved data
intact, a next start that works.

The UI fixtures (private QSettings and data folder, worker hosts, windows) are
the same as the UI tests'.
"""

from tests.ui.conftest import (  # noqa: F401
    host,
    isolated_data_dir,
    isolated_qsettings,
    loaded_host,
    log_file,
    make_window,
    shared_model,
)

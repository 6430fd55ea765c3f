"""Google Drive tests: the production client against the fake Google over real HTTP."""

from tests.fakes.google_fixtures import (  # noqa: F401 - fixtures, found by name
    drive_client,
    drive_folder_id,
    fake_google,
    fake_google_server,
    google_http,
    google_settings,
    google_tokens,
)
from tests.integrations.support import drive_app  # noqa: F401 - a fixture, found by name

"""The embedded broker shows a worker whole messages only (a message read half-written was lost)."""

import os
from queue import Empty

from kombu import Connection

from ceis.brokers import FilesystemChannel


def test_a_message_is_invisible_to_workers_until_it_is_whole(tmp_path, monkeypatch):
    folder = str(tmp_path)
    options = {"data_folder_in": folder, "data_folder_out": folder}
    with Connection("filesystem://", transport_options=options) as conn:
        channel = conn.default_channel
        assert isinstance(channel, FilesystemChannel)  # the alias set by ceis.celery
        seen_while_writing = []
        real_replace = os.replace

        def replace(src, dst):
            # The message is fully written aside; a worker polling now finds nothing to take.
            try:
                seen_while_writing.append(channel._get("celery"))
            except Empty:
                seen_while_writing.append(None)
            with open(src, "rb") as partial:
                seen_while_writing.append(partial.read())
            real_replace(src, dst)

        monkeypatch.setattr(os, "replace", replace)
        channel._put("celery", {"body": "x" * 10_000})
        monkeypatch.setattr(os, "replace", real_replace)

        assert seen_while_writing[0] is None
        assert len(seen_while_writing[1]) > 10_000
        assert channel._size("celery") == 1
        assert channel._get("celery") == {"body": "x" * 10_000}
        assert os.listdir(folder) == []

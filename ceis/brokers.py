"""kombu's filesystem transport (the embedded broker of `make run`), with whole messages.

kombu writes a message file in place: a worker that lists the folder between the file's creation
and the end of its write moves it away, reads it empty and drops the job with a JSON error. Here
the message is written under a name no queue reads, then renamed, which is atomic on one
filesystem: a worker sees the whole message or nothing.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class FilesystemChannel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # A leading dot: `_get`, `_size` and `_purge` match "<stamp>.<queue>.msg" only.
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as message:
                message.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class FilesystemTransport(filesystem.Transport):
    Channel = FilesystemChannel


def use_whole_message_filesystem_transport() -> None:
    """`filesystem://` URLs, in every process that loads the Celery app, use the class above."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:FilesystemTransport"

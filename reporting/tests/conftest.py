import pytest

from reporting import dashboard


@pytest.fixture
def sent(monkeypatch):
    """The broker takes the dashboard's computations and keeps them: nothing runs until the test
    says so (as with a busy worker). The list holds each message's (task name, args)."""
    messages = []

    def send(task, *, args=(), **options):
        messages.append((task, list(args)))
        return True

    monkeypatch.setattr(dashboard, "send_quickly", send)
    return messages

"""Sessions in the database, saved in one query.

Every request saves its session (SESSION_SAVE_EVERY_REQUEST: the idle limit of security.md
row 6 is renewed on each request). Django's database store wraps each save in a transaction so
that creating a session can fail cleanly on a duplicate key; an update needs none, and the
transaction cost two more queries on every page (SAVEPOINT/RELEASE, or BEGIN/COMMIT). Here an
existing session is saved by one `UPDATE`; a new one is still created as Django does.
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router


class SessionStore(DatabaseSessionStore):
    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        data = self._get_session()
        using = router.db_for_write(self.model)
        updated = (
            self.model._default_manager.using(using)
            .filter(session_key=self.session_key)
            .update(session_data=self.encode(data), expire_date=self.get_expiry_date())
        )
        if not updated:
            # Deleted meanwhile (a logout in another tab): Django answers as its own store does.
            raise UpdateError

"""Scanner configuration shared by the Scanners and Estimate pages.

- ``form``: the scanner form's values <-> API payload, validated with the server's messages.
- ``templates``: the quick-start templates that seed a create form.
- ``query``: the recordings-query builder's state <-> RecordingsQuery JSON (pure).
- ``query_editor``: that builder as form widgets, and reading them back.
- ``form_session``: which create/edit form is open and what its last submit found (Estimate
  opens it seeded with a draft, the Scanners page draws it).
"""

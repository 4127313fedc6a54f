"""Scanner configuration shared by the Scanners and Estimate pages.

- ``form``: the scanner form's values <-> API payload, validated with the server's messages.
- ``templates``: the quick-start templates that seed a create form.
- ``query``: the recordings-query builder's state <-> RecordingsQuery JSON (pure).
- ``query_editor``: that builder as form widgets, and reading them back.
"""

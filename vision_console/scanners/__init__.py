"""The Scanners page's package: one module per section of the page, plus their pure cores.

- ``list_query``: the list's URL parameters, the API filters they mean, the table's rows (pure).
- ``list_panel``: the filter bar, the server-paged table and the selected row.
- ``gallery``: "New scanner" and the template gallery.
- ``form_state``, ``form_panel``, ``form_save``: which create/edit form is open, its widgets
  (drawn from the ``scanner_types`` registry), and saving it (create, or PATCH what changed).
- ``scanner_panel``: the selected scanner's details, links, enable, duplicate and delete.
- ``scan_run`` (pure) and ``scan_panel``: scanning one recording now and following its result.
"""

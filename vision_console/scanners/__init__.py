"""The Scanners page's package: one module per section of the page, plus their pure cores.

- ``list_query``: the list's URL parameters, the API filters they mean, the table's rows (pure).
- ``list_panel``: the filter bar, the server-paged table and the selected row.
- ``gallery``: "New scanner" and the template gallery.
- ``form_panel``, ``form_save``: the create/edit form's widgets (drawn from the ``scanner_types``
  registry) and saving it (create, or PATCH what changed); which form is open lives in
  ``scanner_config.form_session``, since Estimate opens it too.
- ``scanner_panel``: the selected scanner's details, links, enable, duplicate and delete.
- ``scan_run`` (pure) and ``scan_panel``: scanning one recording now and following its result.
"""

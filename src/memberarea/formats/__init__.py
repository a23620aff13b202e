"""One date format per language (FORMAT_MODULE_PATH; docs/decisions/0017-dates-and-names.md).

Templates' `|date` (no argument), `formats.date_format()`, the card, its PDF and the emails all read
these. Staff pages show instants with the insurer's offset: `core.dates.datetime_with_offset`, or the
`|datetime_with_offset` filter of `{% load insurer_dates %}`.
"""

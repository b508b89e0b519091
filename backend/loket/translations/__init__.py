"""gettext catalogs, one folder per language (see loket.i18n)."""

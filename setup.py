"""Packaging glue pyproject.toml cannot say: widgets/ and themes/ ship inside the package.

They live at the top of the repository (designers and front-end work there) and install as
``loket/_widgets`` and ``loket/_themes`` (see ``loket.themes.bundled_dir``). Every folder under
``backend/loket`` is a package (namespace discovery: templates, static files, data and the
migrations included), each shipping its files.
"""

from setuptools import find_namespace_packages, setup

EXTRA = {"loket._widgets": "widgets", "loket._themes": "themes"}
packages = [name for name in find_namespace_packages("backend", include=["loket", "loket.*"])
            if "__pycache__" not in name]
for name, folder in EXTRA.items():
    packages += [name] + [f"{name}.{sub}" for sub in find_namespace_packages(folder)
                          if "__pycache__" not in sub]

setup(
    package_dir={"": "backend", **EXTRA},
    packages=packages,
    package_data={name: ["*"] for name in packages},
)

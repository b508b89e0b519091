"""Packaging glue pyproject.toml cannot say: widgets/ and themes/ ship inside the package.

They live at the top of the repository (designers and front-end work there) and install as
``loket/_widgets`` and ``loket/_themes`` (see ``loket.themes.bundled_dir``).
"""

from setuptools import find_namespace_packages, find_packages, setup

EXTRA = {"loket._widgets": "widgets", "loket._themes": "themes"}
extra_packages = []
for name, folder in EXTRA.items():
    extra_packages += [name] + [f"{name}.{sub}" for sub in find_namespace_packages(folder)]

setup(
    package_dir={"": "backend", **EXTRA},
    packages=find_packages("backend", include=["loket", "loket.*"]) + extra_packages,
    package_data={
        "loket": ["templates/**/*", "static/**/*", "data/*", "migrations/*",
                  "migrations/versions/*.py"],
        **{name: ["*"] for name in extra_packages},
    },
)

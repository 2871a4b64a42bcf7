"""Section fillers. Importing this package imports every module in it, so a new module's
`@filler(...)` functions register themselves (documents/facts.py) without editing this file."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

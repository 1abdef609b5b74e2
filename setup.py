# The C core is built by cffi; everything else is in pyproject.toml.
from setuptools import setup

setup(cffi_modules=["nocrypto/_build.py:ffibuilder"])

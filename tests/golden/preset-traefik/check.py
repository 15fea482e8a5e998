"""The figures of jsonl-traefik's reference (../jsonl-traefik/check.py): the preset
reads the log exactly as the mapping written out there."""
import os
import runpy
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "jsonl-traefik", "check.py"), run_name="__main__")

"""The figures must be those the built-in httplog parser gives on the same
file: haproxy-synth's check, its python3 reference (one regular expression,
Europe/Berlin accept dates), run on this case's output."""
import os
import runpy
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "haproxy-synth", "check.py"),
               run_name="__main__")

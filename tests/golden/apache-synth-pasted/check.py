"""The same report as apache-synth's: its reference check, run on this output."""
import os
import runpy
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "apache-synth", "check.py"),
               run_name="__main__")

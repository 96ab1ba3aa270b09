"""Runs several AWS CLI v1 commands in one Python process (the CLI's own driver, as the `aws`
script calls it) so the conformance tests pay the interpreter's start-up once.

Reads a JSON list of argument lists on stdin; prints a JSON list of {code, stdout, stderr}.
"""
import contextlib
import io
import json
import sys

from awscli.clidriver import create_clidriver

results = []
for args in json.load(sys.stdin):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = create_clidriver().main(args)
        except SystemExit as exit:  # --version and argument errors exit
            code = exit.code
    results.append({"code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()})
json.dump(results, sys.__stdout__)

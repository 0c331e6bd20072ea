"""Schemathesis hooks for the Comptoir contract run (loaded via SCHEMATHESIS_HOOKS).

Auth: the harness logs in once and hands the tokens over in the environment
(CONTRACT_ACCESS_TOKEN, CONTRACT_REFRESH_TOKEN). Access tokens live 15 minutes,
so the provider below refreshes every 10 minutes through POST /auth/refresh
(refresh is not subject to the login rate limit, which the fuzzing of
POST /auth/login trips for 127.0.0.1 within seconds). It falls back to a
fresh login only if the refresh is refused.
"""
import os
import threading

import requests
import schemathesis

BASE = os.environ["CONTRACT_BASE_URL"]  # http://127.0.0.1:PORT
EMAIL = os.environ["CONTRACT_EMAIL"]
PASSWORD = os.environ["CONTRACT_PASSWORD"]


@schemathesis.auth(refresh_interval=600)
class ComptoirAuth:
    def __init__(self):
        self.lock = threading.Lock()
        self.access = os.environ.get("CONTRACT_ACCESS_TOKEN")
        self.refresh = os.environ.get("CONTRACT_REFRESH_TOKEN")
        self.first = True

    def _store(self, pair):
        self.access = pair["access_token"]
        self.refresh = pair["refresh_token"]
        return self.access

    def get(self, case, ctx):
        with self.lock:
            if self.first and self.access:
                self.first = False
                return self.access
            if self.refresh:
                r = requests.post(f"{BASE}/api/v1/auth/refresh",
                                  json={"refresh_token": self.refresh}, timeout=30)
                if r.status_code == 200:
                    return self._store(r.json())
            r = requests.post(f"{BASE}/api/v1/auth/login",
                              json={"email": EMAIL, "password": PASSWORD}, timeout=60)
            r.raise_for_status()
            return self._store(r.json())

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


# Harness workaround, not an API finding: CPython 3.11.7 (the machine's
# Python) can raise "SystemError: AST constructor recursion depth mismatch"
# when two threads run ast.parse at once; Hypothesis parses its own sources
# to describe lambdas when schemathesis builds filtered strategies in
# parallel workers. Serialize that call and degrade to an opaque description.
def _serialize_lambda_descriptions():
    from hypothesis.internal import lambda_sources

    original = lambda_sources.lambda_description
    lock = threading.Lock()

    def lambda_description(f):
        with lock:
            try:
                return original(f)
            except SystemError:
                return "lambda: <unknown>"

    lambda_sources.lambda_description = lambda_description


_serialize_lambda_descriptions()

"""schemathesis extensions for scripts/contract.sh, loaded by tests/contract/schemathesis.toml."""

import json

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance, use_after_free


@schemathesis.check
class PositiveDataAcceptanceExcept:
    """schemathesis' positive_data_acceptance ("a schema-valid request is accepted"), except
    where the config says why the schema cannot state validity:
    - `parameters`: query parameters and top-level JSON body fields whose validity depends
      on the deployment, the data or another field. A schema-valid request may be rejected
      with 400 only when it carries such a field with a non-empty value (an empty one is
      the schema's business: minLength) and the problem's `detail` names it;
    - `unprocessable`: operations ("METHOD /path") whose documented 422 answers a
      schema-valid request that the current state of Kamailio's data cannot carry out.
    Any other rejection fails as it does in the built-in check."""

    def __init__(self, parameters: dict[str, str] | None = None,
                 unprocessable: dict[str, str] | None = None) -> None:
        # name -> the reason, kept in the config next to the name
        if not parameters:
            raise ValueError("[checks.PositiveDataAcceptanceExcept.parameters] is missing in schemathesis.toml")
        self.parameters = dict(parameters)
        self.unprocessable = dict(unprocessable or {})

    def after_response(self, ctx, response, case):
        if response.status_code == 400 and self._names_a_listed_parameter(response, case):
            return None
        if response.status_code == 422 and f"{case.method.upper()} {case.path}" in self.unprocessable \
                and response.headers.get("content-type", [""])[0].startswith("application/problem+json"):
            return None
        return positive_data_acceptance(ctx, response, case)

    def _names_a_listed_parameter(self, response, case) -> bool:
        sent = {name for name, value in (case.query or {}).items() if value not in ("", None, [])}
        # A body field is sent when its key is there, `null` included (`file_uri: null`
        # with type 2 breaks the relation the exception is about).
        if isinstance(case.body, dict):
            sent |= set(case.body)
            # ...and a listed field left out is the relation too (`filename` missing with type 2).
            sent |= {p for p in self.parameters if p not in case.body}
        try:
            detail = json.loads(response.content).get("detail") or ""
        except (ValueError, AttributeError):
            return False
        return any(p in sent and f"`{p}`" in detail for p in self.parameters)


@schemathesis.check
class UseAfterFreeExcept:
    """schemathesis' use_after_free ("after a successful DELETE the resource is gone"),
    except on the paths named in the config, where the API documents that DELETE does
    something else and the resource stays readable."""

    def __init__(self, paths: dict[str, str] | None = None) -> None:
        if not paths:
            raise ValueError("[checks.UseAfterFreeExcept.paths] is missing in schemathesis.toml")
        self.paths = dict(paths)

    def after_response(self, ctx, response, case):
        if case.path in self.paths:
            return None
        return use_after_free(ctx, response, case)

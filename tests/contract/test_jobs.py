"""jobs: the long-running-work API through the generated client. No area of this lab
starts a job yet (siptrace cleanup will, and adds its own tests here)."""

from conftest import models, problem


def test_no_job_has_run_on_this_lab(api_call):
    r = api_call("jobs", "list_jobs")
    assert r.status_code == 200, r.content
    assert isinstance(r.parsed, models.PageJob), r.parsed
    assert r.parsed.items == [] and not r.parsed.next_cursor


def test_job_errors_are_typed_problems(api_call):
    assert "`limit`" in problem(api_call("jobs", "list_jobs", limit=0), 400).detail
    problem(api_call("jobs", "get_job", "no-such-job"), 404)
    problem(api_call("jobs", "cancel_job", "no-such-job"), 404)

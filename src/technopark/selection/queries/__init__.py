"""One module per part: calls/applications/eligibility, review, council."""

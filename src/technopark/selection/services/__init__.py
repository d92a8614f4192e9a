"""One module per part: calls/drafts/applications/eligibility, review, council."""

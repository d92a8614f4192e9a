"""Pages of the engineering app, one module per part: requests (a company's list, a new request,
the detail with its changes of state and assignment), quotes (the editor and the answers), the
staff queue, the catalogue's set-up."""

"""What every app shares and no app owns: declared cache fragments, park scopes, form error
mapping, the money field, private storage, local-time helpers, exports and typed parameters.

``core`` imports no domain app (import-linter holds it): apps import ``core``, never the reverse.
"""

"""The park role a person holds to keep a profile of each kind: asked by ``network.rules`` and
by the services (which may not import the rules), so it lives here, below both."""

from __future__ import annotations

from technopark.network.models import ProfileKind
from technopark.parks.models import Role

#: The role a person holds in the park to keep a profile of each kind.
ROLE_OF_KIND = {
    ProfileKind.MENTOR: Role.MENTOR,
    ProfileKind.EXPERT: Role.EXPERT,
    ProfileKind.INVESTOR: Role.INVESTOR,
    ProfileKind.CUSTOMER: Role.CUSTOMER,
    ProfileKind.PARTNER: Role.PARTNER,
}

#: The roles that take part in the network (with the staff).
NETWORK_ROLES = frozenset({Role.FOUNDER, *ROLE_OF_KIND.values()})

"""factory_boy factories for every model the tests build. Valid INN/OGRN come from the validators."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from technopark.accounts.models import User
from technopark.companies.models import Company, Stage, TeamMember
from technopark.companies.validators import inn_check_digits, ogrn_check_digit
from technopark.parks.models import Direction, Membership, MembershipStatus, Park, Role, Site


def valid_inn(n: int, region: str = "14") -> str:
    body = f"{region}{n % 10_000_000:07d}"
    return body + inn_check_digits(body)


def valid_ogrn(n: int, region: str = "14") -> str:
    body = f"1{24}{region}{n % 10_000_000:07d}"
    return body + ogrn_check_digit(body)


class ParkOwnedFactory(DjangoModelFactory):
    """Builds park-owned rows through ``all_parks``: a factory spans parks on purpose (the
    default manager fails closed outside a park scope)."""

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.all_parks


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ParkFactory(DjangoModelFactory):
    class Meta:
        model = Park
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Технопарк {n}")
    name_en = factory.Sequence(lambda n: f"Technopark {n}")
    slug = factory.Sequence(lambda n: f"park-{n}")
    region = "14"
    time_zone = "Asia/Yakutsk"


class SiteFactory(ParkOwnedFactory):
    class Meta:
        model = Site

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"Корпус {n}")
    address = "Якутск, ул. Ленина, 1"


class DirectionFactory(ParkOwnedFactory):
    class Meta:
        model = Direction

    park = factory.SubFactory(ParkFactory)
    code = factory.Sequence(lambda n: f"dir-{n}")
    name = factory.Sequence(lambda n: f"Направление {n}")
    name_en = factory.Sequence(lambda n: f"Direction {n}")


class MembershipFactory(ParkOwnedFactory):
    class Meta:
        model = Membership

    park = factory.SubFactory(ParkFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.FOUNDER
    status = MembershipStatus.ACTIVE


class CompanyFactory(ParkOwnedFactory):
    class Meta:
        model = Company
        skip_postgeneration_save = True

    park = factory.SubFactory(ParkFactory)
    legal_name = factory.Sequence(lambda n: f'ООО "Компания {n}"')
    short_name = factory.Sequence(lambda n: f"Компания {n}")
    inn = factory.Sequence(lambda n: valid_inn(n + 1))
    ogrn = factory.Sequence(lambda n: valid_ogrn(n + 1))
    region = "14"
    stage = Stage.IDEA

    @factory.post_generation
    def search(obj, create, extracted, **kwargs):
        obj.refresh_search_text()
        if create:
            Company.all_parks.filter(pk=obj.pk).update(search_text=obj.search_text)


class TeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = TeamMember

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    position = "CEO"

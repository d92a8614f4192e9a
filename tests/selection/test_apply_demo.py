def test_demo_seed_is_idempotent(world):
    """Two runs of the demo seed make the same applications in every applicant-side state."""
    from technopark.demo.selection_apply import seed_selection_apply
    from technopark.selection.models import Application
    from tests.factories import CompanyFactory

    # The demo applicants are the park's 21st to 32nd companies (the first twenty are residents).
    for _ in range(30):
        CompanyFactory(park=world.park)
    seed_selection_apply(world.park, accounts={"manager": world.users["manager"]})
    n = Application.all_parks.count()
    seed_selection_apply(world.park, accounts={"manager": world.users["manager"]})
    assert Application.all_parks.count() == n == 12

from familyworkbook.cases.models import Case


def test_the_builders_make_a_valid_case(smith_case):
    smith_case.full_clean()
    assert Case.objects.open().count() == 1
    assert smith_case.cin_episodes.count() == 2

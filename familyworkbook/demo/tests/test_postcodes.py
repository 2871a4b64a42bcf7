from familyworkbook.demo import postcodes
from familyworkbook.people.models import normalise_postcode


def test_it_reads_every_district_of_cambridgeshire_from_the_ons_list():
    by_district = postcodes.postcodes_by_district()
    assert set(by_district) == {"E07000008", "E07000009", "E07000010", "E07000011", "E07000012"}
    for codes in by_district.values():
        assert len(codes) > 1000
        assert codes == sorted(codes)


def test_real_postcodes_land_in_their_own_district():
    lookup = postcodes.authority_of()
    assert lookup["CB2 0QQ"] == "E07000008"  # Addenbrooke's Hospital, Cambridge
    assert lookup["PE13 1AA"] == "E07000010"  # Wisbech, Fenland
    assert lookup["PE29 3TN"] == "E07000011"  # Huntingdon
    assert lookup["CB7 4EW"] == "E07000009"  # Ely, East Cambridgeshire
    assert lookup["CB23 6EA"] == "E07000012"  # Cambourne, South Cambridgeshire
    assert lookup["PE1 1HQ"] == "E06000031"  # Peterborough: out of county, for placements


def test_postcodes_are_stored_in_the_form_the_record_uses():
    for codes in postcodes.postcodes_by_district().values():
        for code in codes[:: max(1, len(codes) // 200)]:
            assert normalise_postcode(code) == code


def test_it_normalises_the_fixed_width_ons_form():
    assert postcodes.normalise("N1  0AA") == "N1 0AA"
    assert postcodes.normalise("CB214FL") == "CB21 4FL"
    assert postcodes.normalise("CB1 1PT") == "CB1 1PT"


def test_retired_outward_codes_are_left_out():
    every = [code for codes in postcodes.postcodes_by_district().values() for code in codes]
    assert not [code for code in every if code.split()[0] in {"PE17", "PE18", "PE99"}]


def test_post_towns_follow_the_outward_code():
    assert postcodes.post_town("PE13 1AA", default="March") == "Wisbech"
    assert postcodes.post_town("CB7 4EW", default="Cambridge") == "Ely"
    assert postcodes.post_town("XX1 1XX", default="Cambridge") == "Cambridge"

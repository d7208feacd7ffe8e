"""The programme definition (jwmodel.definition): parsed and checked with located errors, and each file's
lists held to it: codes exactly, names after NFKC normalisation, lookalike letters refused."""

from __future__ import annotations

import pytest

from jwmodel.cells import code_problem, name_problem
from jwmodel.definition import (
    DefinitionError,
    ProgrammeDefinition,
    assumed,
    from_dict,
    from_text,
    in_programme_terms,
    list_findings,
    to_dict,
    to_text,
)
from jwmodel.findings import Location
from jwmodel.model import BaselineEntry, Partner
from jwmodel.submissions import Cover, PartnerReturn, ProgrammeSetup, most_shared

CAFE_COMPOSED, CAFE_DECOMPOSED = "Caf\u00e9 Services", "Cafe\u0301 Services"
DEFINITION = ProgrammeDefinition(
    (Partner("HC", "Hampshire Constabulary"), Partner("HCC", "Hampshire County Council")),
    ("Legal Services", CAFE_COMPOSED),
    "Example",
    "2012/13",
)


def from_lists(partners, services) -> ProgrammeSetup:
    """A setup as the reader gives it: codes in column A, names in B, services in C, from row 2."""
    return ProgrammeSetup(
        tuple(Partner(c, n) for c, n in partners),
        tuple(services),
        partner_cells=tuple((f"A{i + 2}", f"B{i + 2}") for i in range(len(partners))),
        service_cells=tuple(f"C{i + 2}" for i in range(len(services))),
    )


SAME = from_lists([("HC", "Hampshire Constabulary"), ("HCC", "Hampshire County Council")], ["Legal Services"])


def test_a_definition_round_trips_through_its_json_text():
    assert from_text(to_text(DEFINITION)) == DEFINITION
    assert to_dict(DEFINITION)["partners"] == [
        {"code": "HC", "name": "Hampshire Constabulary"},
        {"code": "HCC", "name": "Hampshire County Council"},
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], "p.json: expected a JSON object with partners and service_areas"),
        ({"partners": [], "service_areas": ["L"]}, "p.json: partners: no partners: give at least one"),
        ({"partners": [{"code": "A", "name": "A"}]}, "p.json: service_areas: expected a list, got nothing"),
        ({"partners": [{"code": "A"}], "service_areas": ["L"]}, "p.json: partners[0].name: the name is blank"),
        ({"partners": [{"code": "A", "name": 3}], "service_areas": ["L"]}, "p.json: partners[0].name: expected text"),
        (
            {"partners": [{"code": "A", "name": "A", "email": "x"}], "service_areas": ["L"]},
            "p.json: partners[0]: unknown key 'email'",
        ),
        (
            {"partners": [{"code": "A", "name": "A"}, {"code": "a", "name": "B"}], "service_areas": ["L"]},
            "p.json: partners[1].code: 'a' is given twice (also partners[0])",
        ),
        (
            {"partners": [{"code": "A B!", "name": "A"}], "service_areas": ["L"]},
            "p.json: partners[0].code: 'A B!' is not a plain code",
        ),
        (
            {"partners": [{"code": "A", "name": "A"}], "service_areas": [CAFE_COMPOSED, CAFE_DECOMPOSED]},
            "p.json: service_areas[1]: ",
        ),
        (
            {"partners": [{"code": "A", "name": "A"}], "service_areas": ["Legal "]},
            "p.json: service_areas[0]: 'Legal ' starts or ends with a space",
        ),
        (
            {"format": "something else", "partners": [], "service_areas": []},
            "p.json: format: expected 'jwmodel programme definition'",
        ),
    ],
)
def test_a_definition_that_cannot_be_used_is_refused_naming_the_entry(data, expected):
    with pytest.raises(DefinitionError) as caught:
        from_dict(data, source="p.json")
    assert str(caught.value).startswith(expected), str(caught.value)
    assert "\n" not in str(caught.value)


def test_json_that_does_not_parse_is_located_by_line_and_column():
    with pytest.raises(DefinitionError, match=r"^p.json: line 2, column 2: not valid JSON \(Extra data\)"):
        from_text('{"partners": []\n}}', source="p.json")


def test_the_same_lists_give_no_finding_and_fewer_entries_are_not_a_change():
    assert list_findings(DEFINITION, SAME, "f.xlsx") == ()


def test_each_added_or_changed_entry_is_an_error_at_its_cell():
    setup = from_lists(
        [("HC", "Hampshire Police"), ("HCC", "Hampshire County Council"), ("HIOW", "Isle of Wight")],
        ["Legal Services", "legal  services", "Catering"],
    )
    found = list_findings(DEFINITION, setup, "f.xlsx")
    assert [(f.code, f.where, f.severity.value) for f in found] == [
        ("PROGRAMME_NAME_CHANGED", Location("f.xlsx", "Lists", "B2"), "error"),
        ("PROGRAMME_PARTNER_ADDED", Location("f.xlsx", "Lists", "A4"), "error"),
        ("PROGRAMME_SERVICE_ADDED", Location("f.xlsx", "Lists", "C3"), "error"),
        ("PROGRAMME_SERVICE_ADDED", Location("f.xlsx", "Lists", "C4"), "error"),
    ]
    assert "'Hampshire Police' here but 'Hampshire Constabulary' in the programme" in found[0].message
    assert "only in letter case or spaces" in found[2].message
    assert "only in letter case" not in found[3].message


def test_an_empty_list_is_an_error_so_a_file_cannot_skip_the_check_of_its_codes():
    found = list_findings(DEFINITION, ProgrammeSetup((), ()), "f.xlsx")
    assert [(f.code, f.where) for f in found] == [("PROGRAMME_LIST_EMPTY", Location("f.xlsx", "Lists"))] * 2


def test_names_are_compared_after_nfkc_and_a_submission_takes_the_programmes_spelling():
    assert CAFE_COMPOSED != CAFE_DECOMPOSED
    setup = from_lists([("HC", "Hampshire Constabulary")], [CAFE_DECOMPOSED])
    assert list_findings(DEFINITION, setup, "f.xlsx") == ()
    entry = BaselineEntry("HC", CAFE_DECOMPOSED, 10, 1)  # type: ignore[arg-type]
    submission = PartnerReturn(Cover("t", "1.0"), Partner("HC", "HC on the cover"), (entry,), None, setup, "f.xlsx")
    held = in_programme_terms(submission, DEFINITION)
    assert held.baseline[0].service == CAFE_COMPOSED
    assert held.partner == Partner("HC", "Hampshire Constabulary")


def test_most_shared_lists_win_and_a_tie_goes_to_the_first():
    other = from_lists([("HC", "Hampshire Constabulary")], ["Legal Services", "Catering"])
    assert most_shared([other, SAME, SAME]) == (SAME, 2)
    assert most_shared([other, SAME]) == (other, 1)
    assert most_shared([None, ProgrammeSetup((), ())]) == (None, 0)
    definition, warning = assumed([other, SAME, SAME], folder="returns")
    assert definition is not None and definition.services == ("Legal Services",)
    assert warning is not None and warning.code == "PROGRAMME_ASSUMED" and warning.severity.value == "warning"
    assert "2 of 3 submissions" in warning.message and "programme.json" in warning.message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Legal Services", ""),
        ("Gwasanaethau Cyfreithiol (ŵ)", ""),
        (CAFE_DECOMPOSED, ""),
        ("\uff2c\uff45\uff47\uff41\uff4c", ""),  # full-width Latin: NFKC makes it 'Legal'
        ("L\u0435gal Services", "CYRILLIC SMALL LETTER IE"),
        ("Legal \u03a3ervices", "GREEK CAPITAL LETTER SIGMA"),
        ("Legal\u200bServices", "U+200B"),  # invisible: the hidden-character check, as for any text
    ],
)
def test_name_problem_refuses_mixed_scripts_and_names_the_character(text, problem):
    found = name_problem(text)
    assert (problem in found and found != "") if problem else found == ""


def test_the_code_check_keeps_its_message():
    assert code_problem("H\u0421") == (
        "'HС' contains 'С' (CYRILLIC CAPITAL LETTER ES), which only looks like a plain letter; "
        "retype the code with plain letters"
    )


def test_most_shared_counts_one_shared_copy_each_time_it_is_given_and_equal_copies_together():
    other = from_lists([("HC", "Hampshire Constabulary")], ["Legal Services", "Catering"])
    same_again = from_lists(  # equal to SAME, another object
        [("HC", "Hampshire Constabulary"), ("HCC", "Hampshire County Council")], ["Legal Services"]
    )
    assert same_again == SAME and same_again is not SAME
    # SAME's one copy given twice and its equal copy once: 3 files share those lists, against 1
    assert most_shared([other, SAME, same_again, SAME]) == (SAME, 3)
    # 2 against 2 (other's copy given twice; SAME and its equal copy once each): the lists met first win
    found, count = most_shared([other, SAME, other, same_again])
    assert found is other and count == 2

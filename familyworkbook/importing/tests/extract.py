"""A small SSD extract written by tests: two families, their episodes, workers and teams."""

from __future__ import annotations

import copy
import csv
from pathlib import Path
from typing import Any

from familyworkbook.importing.spec import TABLES

Tables = dict[str, list[dict[str, Any]]]

BASE: Tables = {
    "ssd_person": [
        {
            "pers_person_id": "C1001",
            "pers_forename": "Ava",
            "pers_surname": "Hart",
            "pers_sex": "F",
            "pers_ethnicity": "WBRI",
            "pers_dob": "2015-04-02",
            "pers_upn_unknown": "",
            "pers_legacy_id": "L-77",
        },
        {
            "pers_person_id": "C1002",
            "pers_forename": "Leo",
            "pers_surname": "Hart",
            "pers_sex": "M",
            "pers_ethnicity": "WBRI",
            "pers_dob": "02/09/2018",
        },
        {
            "pers_person_id": "A1003",
            "pers_forename": "Jo",
            "pers_surname": "Hart",
            "pers_sex": "F",
            "pers_dob": "1990-01-01",
        },
        {
            "pers_person_id": "C2001",
            "pers_forename": "Sam",
            "pers_surname": "Pike",
            "pers_sex": "M",
            "pers_ethnicity": "Any other White background",
            "pers_dob": "2012-06-30",
        },
    ],
    "ssd_family": [
        {"fami_table_id": "F1", "fami_family_id": "FAM1", "fami_person_id": "C1001"},
        {"fami_table_id": "F2", "fami_family_id": "FAM1", "fami_person_id": "C1002"},
        {"fami_table_id": "F3", "fami_family_id": "FAM1", "fami_person_id": "A1003"},
        {"fami_table_id": "F4", "fami_family_id": "FAM2", "fami_person_id": "C2001"},
    ],
    "ssd_mother": [
        {
            "moth_table_id": "MO1",
            "moth_person_id": "A1003",
            "moth_childs_person_id": "C1001",
            "moth_childs_dob": "2015-04-02",
        },
    ],
    "ssd_address": [
        {
            "addr_table_id": "AD1",
            "addr_person_id": "A1003",
            "addr_address_type": "Refuge",
            "addr_address_start_date": "2024-01-05",
            "addr_address_postcode": "CB1 1AA",
            "addr_address_json": '{"HOUSE": "4", "STREET": "Mill Road", "TOWN": "Cambridge"}',
        },
    ],
    "ssd_disability": [
        {"disa_table_id": "D1", "disa_person_id": "C1002", "disa_disability_code": "AUT"},
    ],
    "ssd_linked_identifiers": [
        {
            "link_table_id": "U1",
            "link_person_id": "C1001",
            "link_identifier_type": "Unique Pupil Number",
            "link_identifier_value": "A123456789012",
        },
    ],
    "ssd_department": [{"dept_team_id": "T1", "dept_team_name": "Family Safeguarding North"}],
    "ssd_professionals": [
        {
            "prof_professional_id": "W1",
            "prof_professional_name": "Pat Quinn",
            "prof_professional_job_title": "Social Worker",
            "prof_social_worker_registration_no": "SW12345",
            "prof_agency_worker_flag": "N",
        },
    ],
    "ssd_involvements": [
        {
            "invo_involvements_id": "I1",
            "invo_professional_id": "W1",
            "invo_professional_role_id": "social_worker (lead)",
            "invo_professional_team": "T1",
            "invo_involvement_start_date": "2024-02-01",
            "invo_person_id": "C1001",
        },
        {
            "invo_involvements_id": "I2",
            "invo_professional_id": "W1",
            "invo_professional_role_id": "social_worker (lead)",
            "invo_professional_team": "T1",
            "invo_involvement_start_date": "2024-02-01",
            "invo_person_id": "C1002",
        },
    ],
    "ssd_cin_episodes": [
        {
            "cine_referral_id": "R1",
            "cine_person_id": "C1001",
            "cine_referral_date": "2024-01-10",
            "cine_cin_primary_need_code": "N1",
            "cine_referral_source_code": "2A",
            "cine_referral_nfa": "N",
            "cine_referral_team": "T1",
        },
        {
            "cine_referral_id": "R2",
            "cine_person_id": "C2001",
            "cine_referral_date": "2023-03-01",
            "cine_cin_primary_need_code": "N4",
            "cine_referral_source_code": "5A",
            "cine_referral_nfa": "N",
            "cine_close_reason": "RC8",
            "cine_close_date": "2023-04-20",
        },
    ],
    "ssd_cin_assessments": [
        {
            "cina_assessment_id": "AS1",
            "cina_person_id": "C1001",
            "cina_referral_id": "R1",
            "cina_assessment_start_date": "2024-01-11",
            "cina_assessment_auth_date": "2024-02-20",
        },
    ],
    "ssd_assessment_factors": [
        {
            "cinf_table_id": "AF1",
            "cinf_assessment_id": "AS1",
            "cinf_assessment_factors_json": '["3B", "2B"]',
        },
    ],
    "ssd_s47_enquiry": [
        {
            "s47e_s47_enquiry_id": "S1",
            "s47e_referral_id": "R1",
            "s47e_person_id": "C1001",
            "s47e_s47_start_date": "2024-01-12",
        },
    ],
    "ssd_initial_cp_conference": [
        {
            "icpc_icpc_id": "IC1",
            "icpc_s47_enquiry_id": "S1",
            "icpc_person_id": "C1001",
            "icpc_referral_id": "R1",
            "icpc_icpc_target_date": "2024-02-02",
            "icpc_icpc_date": "2024-01-31",
        },
    ],
    "ssd_cp_plans": [
        {
            "cppl_cp_plan_id": "CP1",
            "cppl_referral_id": "R1",
            "cppl_person_id": "C1001",
            "cppl_cp_plan_start_date": "2024-01-31",
            "cppl_cp_plan_initial_category": "Neglect",
            "cppl_cp_plan_latest_category": "NEG",
        },
    ],
    "ssd_cp_reviews": [
        {
            "cppr_cp_review_id": "CR1",
            "cppr_person_id": "C1001",
            "cppr_cp_plan_id": "CP1",
            "cppr_cp_review_date": "2024-04-25",
        },
    ],
    "ssd_cin_visits": [
        {
            "cinv_cin_visit_id": "V1",
            "cinv_person_id": "C1001",
            "cinv_cin_visit_date": "2024-02-05",
            "cinv_cin_visit_seen": "Y",
            "cinv_cin_visit_seen_alone": "N",
        },
    ],
    "ssd_cla_episodes": [
        {
            "clae_cla_episode_id": "E1",
            "clae_person_id": "C2001",
            "clae_cla_episode_start_date": "2023-05-01",
            "clae_cla_episode_start_reason": "S",
            "clae_cla_primary_need_code": "N1",
            "clae_cla_id": "PC1",
            "clae_cla_placement_id": "PL1",
        },
    ],
    "ssd_cla_placement": [
        {
            "clap_cla_placement_id": "PL1",
            "clap_cla_placement_start_date": "2023-05-01",
            "clap_cla_placement_type": "U1",
            "clap_cla_placement_provider": "PR1",
            "clap_cla_placement_postcode": "CB2 2BB",
            "clap_cla_id": "PC1",
            "clap_person_id": "C2001",
        },
    ],
    "ssd_legal_status": [
        {
            "lega_legal_status_id": "L1",
            "lega_person_id": "C2001",
            "lega_legal_status": "C2",
            "lega_legal_status_start_date": "2023-05-01",
        },
    ],
    "ssd_cla_reviews": [
        {
            "clar_cla_review_id": "CLR1",
            "clar_cla_id": "PC1",
            "clar_cla_review_date": "2023-05-25",
            "clar_cla_review_participation": "PN1",
        },
    ],
    "ssd_contacts": [
        {
            "cont_contact_id": "K1",
            "cont_person_id": "C1001",
            "cont_contact_date": "2024-01-09",
            "cont_contact_source_code": "2A",
        },
    ],
}


def tables(**changes: list[dict[str, Any]]) -> Tables:
    """BASE with some tables replaced."""
    result = copy.deepcopy(BASE)
    result.update(copy.deepcopy(changes))
    return result


def write(folder: Path, data: Tables | None = None, *, bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in (data if data is not None else BASE).items():
        columns = list(TABLES[table].columns)
        with (folder / f"{table}.csv").open(
            "w", encoding="utf-8-sig" if bom else "utf-8", newline=""
        ) as stream:
            writer = csv.DictWriter(stream, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({c: row.get(c, "") for c in columns})
    return folder

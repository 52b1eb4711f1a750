"""The school census's codes: Down syndrome as a type of need, the DfE's labels, and the three pupil indicators."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from provision_ledger.oversight.importer import ImportRefused, import_csv
from provision_ledger.people.models import Child, Need, School, laestab
from tests.factories import make_child, make_la, make_school, make_senco

pytestmark = pytest.mark.django_db

HEADER = "upn,school_urn,first_name,last_name,date_of_birth,year_group,primary_need,secondary_need,sen_status"


def test_down_syndrome_is_a_type_of_need_and_vision_impairment_is_the_dfes_label():
    assert Need("DS").label == "Down syndrome"
    assert Need("VI").label == "Vision impairment"
    assert "Visual impairment" not in Need.labels


def test_laestab_is_the_la_code_times_ten_thousand_plus_the_establishment_number():
    assert laestab("201", "3614") == "2013614"
    assert laestab("889", "0042") == "8890042"
    assert laestab("889", "") == ""
    la = make_la()
    school = School.objects.create(urn="654321", name="Brook School", local_authority=la, establishment_number="2001")
    assert school.laestab == f"{int(la.code) * 10_000 + 2001:07d}"


def test_the_children_file_takes_ds_and_the_three_indicators():
    la = make_la()
    school = make_school(la)
    senco = make_senco(school)
    text = (
        f"{HEADER},sen_unit,resourced_provision,top_up_funding\n"
        f"A12345678901B,{school.urn},Ada,Bell,2018-05-01,2,DS,SLCN,E,true,false,Y\n"
        f"A12345678902C,{school.urn},Ben,Cole,2018-06-01,2,ASD,,K,,,\n"
    )
    import_csv("children", io.BytesIO(text.encode()), la=la, by=senco, today=date(2026, 9, 1))
    ada, ben = Child.objects.get(first_name="Ada"), Child.objects.get(first_name="Ben")
    assert (ada.primary_need, ada.get_primary_need_display()) == ("DS", "Down syndrome")
    assert (ada.sen_unit, ada.resourced_provision, ada.top_up_funding) == (True, False, True)
    assert (ben.sen_unit, ben.resourced_provision, ben.top_up_funding) == (False, False, False)


def test_an_indicator_that_is_not_true_or_false_is_refused_with_its_row_and_column():
    la = make_la()
    school = make_school(la)
    text = f"{HEADER},top_up_funding\nA12345678901B,{school.urn},Ada,Bell,2018-05-01,2,DS,,E,maybe\n"
    with pytest.raises(ImportRefused) as refused:
        import_csv("children", io.BytesIO(text.encode()), la=la, by=make_senco(school), today=date(2026, 9, 1))
    assert [str(e) for e in refused.value.errors] == ["Row 2, column top_up_funding: “maybe” is not true or false."]
    assert not Child.objects.exists()


def test_the_admin_form_offers_down_syndrome_and_the_indicators():
    school = make_school()
    child = make_child(school)
    admin = site._registry[Child]
    request = RequestFactory().get("/")
    request.user = make_senco(school)
    form_class = admin.get_form(request, child)
    assert {"sen_unit", "resourced_provision", "top_up_funding"} <= set(form_class.base_fields)
    assert ("DS", "Down syndrome") in form_class.base_fields["primary_need"].choices

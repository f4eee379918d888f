"""The demo's service items: the Yancheng items load with their materials, linked to demo catalogue entries."""

import io

import pytest
from django.core.management import call_command

from govshare.demo.service_items import SERVICE_ITEMS
from govshare.serviceitems import services
from govshare.serviceitems.models import RequiredMaterial, ServiceItem


@pytest.mark.django_db
def test_quick_demo_loads_service_items_with_shares():
    call_command("demo", "--quick", stdout=io.StringIO())

    items = ServiceItem.objects.with_shares()
    assert items.count() == len(SERVICE_ITEMS) == 22
    assert set(items.values_list("item_type", flat=True)) >= {"licensing", "benefit", "confirmation", "penalty",
                                                              "inspection", "public_service"}
    # 2 of its 4 required materials come from entries the exchange demo always publishes; the optional 残疾人证
    # is linked too but does not count.
    assert items.get(name="最低生活保障审批").share == 0.5
    assert items.filter(material_count=0).count() == 2  # an inspection and a penalty need no papers
    # Every link points at a published, shared entry, and sharing replaces a good part of the materials.
    linked = RequiredMaterial.objects.exclude(replaced_by=None).select_related("replaced_by")
    assert linked.count() >= 20 and all(material.replaceable_by_sharing for material in linked)
    shares = services.department_shares(ServiceItem.objects.all())
    assert shares[0].share is not None and shares[-1].name == "盐城市应急管理局"  # no required materials: last

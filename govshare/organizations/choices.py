from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["JurisdictionLevelChoices"]


class JurisdictionLevelChoices(ChoiceSet):
    NATIONAL = "national"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    CHOICES = [
        (NATIONAL, _("国家"), "purple"),
        (PROVINCE, _("省级"), "blue"),
        (CITY, _("市级"), "green"),
        (COUNTY, _("县级"), "teal"),
    ]

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_PLATFORM_NAME = "政务信息资源共享交换平台"


def platform(request):
    name = settings.GOVSHARE_PLATFORM_NAME
    # The default name is translated; a name the operator configured is shown as given.
    return {"PLATFORM_NAME": _("政务信息资源共享交换平台") if name == DEFAULT_PLATFORM_NAME else name}

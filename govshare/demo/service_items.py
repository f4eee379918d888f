"""Demo government service items (政务服务事项) of Yancheng, with their materials.

Each material that sharing can replace names the demo catalogue entry that replaces it; the entry is looked up by
name among the demo departments' published, shared entries, so a material whose entry is not in the plan (the quick
demo catalogues fewer entries) or not published stays unlinked. The items are created through
`serviceitems.services` acting as the platform administrator, so the change history is real.

最低生活保障审批 links only entries the exchange demo always publishes (居民身份证电子证照, 户籍人口信息,
持证残疾人基本信息): its share is 2 of 4 required materials in every mode, which the demo test asserts.
"""

from govshare.catalog.choices import EntryStatusChoices
from govshare.catalog.models import Resource
from govshare.serviceitems import services
from govshare.serviceitems.models import SHAREABLE_TYPES

__all__ = ["SERVICE_ITEMS", "load_service_items"]

# The two-digit type codes of the national item list, used to build realistic base codes.
TYPE_CODES = {
    "licensing": "01", "penalty": "02", "enforcement": "03", "levy": "04", "benefit": "05", "inspection": "06",
    "confirmation": "07", "reward": "08", "adjudication": "09", "other_power": "10", "public_service": "20",
}

ID_CARD = ("居民身份证", "government", True, 1, "居民身份证电子证照", "核验电子证照，无需提交复印件")
HOUSEHOLD = ("居民户口簿", "government", True, 1, "户籍人口信息", "")
LICENCE = ("营业执照", "government", True, 1, "营业执照电子证照", "")
PROPERTY = ("不动产权属证书", "government", True, 1, "不动产权证书电子证照", "")

# (department key, name, type, main item number, legal basis, materials); a material is
# (name, source, required, copies, replacing entry name or "", notes).
SERVICE_ITEMS = [
    ("scjg", "企业设立登记", "licensing", 1001, "《中华人民共和国市场主体登记管理条例》第三条、第十六条", [
        ("公司登记（备案）申请书", "applicant", True, 1, "", "通过江苏省市场监管一网通办平台填报"),
        ("公司章程", "applicant", True, 1, "", ""),
        ("法定代表人身份证明", *ID_CARD[1:]),
        ("住所使用证明", "government", True, 1, "不动产权证书电子证照", "自有房产核验不动产登记信息"),
        ("股东主体资格证明", "applicant", True, 1, "", "自然人股东核验身份证信息"),
        ("前置审批许可文件", "government", False, 1, "", "涉及前置许可的提交"),
    ]),
    ("scjg", "个体工商户设立登记", "licensing", 1002, "《促进个体工商户发展条例》第八条", [
        ("个体工商户登记申请书", "applicant", True, 1, "", ""),
        ("经营者身份证明", *ID_CARD[1:]),
        ("经营场所使用证明", "government", True, 1, "不动产权证书电子证照", ""),
    ]),
    ("scjg", "食品经营许可", "licensing", 1003, "《中华人民共和国食品安全法》第三十五条", [
        ("食品经营许可申请书", "applicant", True, 1, "", ""),
        LICENCE,
        ("法定代表人身份证明", *ID_CARD[1:]),
        ("经营场所和设备布局、操作流程示意图", "applicant", True, 1, "", ""),
        ("食品安全管理制度文本", "applicant", True, 1, "", ""),
    ]),
    ("scjg", "食品生产经营日常监督检查", "inspection", 6001, "《中华人民共和国食品安全法》第一百一十条", []),
    ("ga", "居民身份证换领", "confirmation", 7001, "《中华人民共和国居民身份证法》第五条、第八条", [
        HOUSEHOLD,
        ("原居民身份证", "applicant", True, 1, "", "证件有效期满或损坏需交回"),
        ("本人近期免冠照片", "applicant", True, 1, "", "受理窗口现场采集"),
    ]),
    ("ga", "出生登记", "confirmation", 7002, "《中华人民共和国户口登记条例》第七条", [
        ("出生医学证明", "government", True, 1, "出生医学证明电子证照", ""),
        ("父母居民户口簿", "government", True, 1, "居民户口簿电子证照", ""),
        ("父母居民身份证", "government", True, 1, "居民身份证签发信息", ""),
        ("父母结婚证", "government", False, 1, "结婚证电子证照", "非婚生育的无需提供"),
    ]),
    ("ga", "死亡注销户口", "confirmation", 7003, "《中华人民共和国户口登记条例》第八条", [
        ("居民死亡医学证明（推断）书", "government", True, 1, "居民死亡医学证明信息", ""),
        ("遗体火化证明", "government", True, 1, "遗体火化信息", ""),
        ("死者居民户口簿", *HOUSEHOLD[1:]),
    ]),
    ("ga", "机动车驾驶证补领换领", "licensing", 1004, "《机动车驾驶证申领和使用规定》第五十九条", [
        ("居民身份证", "government", True, 1, "居民身份证签发信息", ""),
        ("机动车驾驶证", "government", True, 1, "机动车驾驶证电子证照", "补领的无需提供"),
        ("身体条件证明", "intermediary", True, 1, "", "由县级以上医疗机构出具"),
    ]),
    ("mz", "最低生活保障审批", "benefit", 5001, "《社会救助暂行办法》第十一条；《江苏省最低生活保障办法》第十二条", [
        ("最低生活保障申请书", "applicant", True, 1, "", ""),
        ID_CARD,
        HOUSEHOLD,
        ("家庭收入和财产状况声明", "applicant", True, 1, "", "含授权核对家庭经济状况的声明"),
        ("残疾人证", "government", False, 1, "持证残疾人基本信息", "家庭成员有残疾的提供"),
    ]),
    ("mz", "结婚登记", "confirmation", 7004, "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》第五条", [
        ("居民户口簿", "government", True, 1, "户籍人口信息", "江苏省内实行婚姻登记“跨省通办”试点"),
        ("居民身份证", *ID_CARD[1:]),
        ("本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系的签字声明", "applicant", True, 1, "", ""),
        ("双方近期半身免冠合影照片", "applicant", True, 3, "", ""),
    ]),
    ("mz", "困难残疾人生活补贴和重度残疾人护理补贴给付", "benefit", 5002,
     "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）", [
         ("残疾人两项补贴申请审批表", "applicant", True, 1, "", ""),
         ("残疾人证", "government", True, 1, "残疾人证电子证照", ""),
         ("居民身份证", *ID_CARD[1:]),
         ("最低生活保障证明", "government", False, 1, "最低生活保障对象信息", "申请生活补贴的提供"),
     ]),
    ("bdc", "不动产转移登记", "confirmation", 7005, "《不动产登记暂行条例》第三条、第十四条", [
        ("不动产登记申请书", "applicant", True, 1, "", ""),
        ("申请人身份证明", *ID_CARD[1:]),
        PROPERTY,
        ("不动产买卖合同", "government", True, 1, "存量房买卖合同网签信息", "网签合同在线核验"),
        ("完税凭证", "government", True, 1, "", "纳税申报明细不予共享，暂由申请人提供"),
        ("婚姻状况证明", "government", False, 1, "婚姻登记信息", "共有房产时提供"),
    ]),
    ("rs", "城乡居民基本养老保险待遇申领", "benefit", 5003, "《中华人民共和国社会保险法》第二十二条", [
        ("城乡居民基本养老保险待遇申领表", "applicant", True, 1, "", ""),
        ID_CARD,
        HOUSEHOLD,
        ("社会保障卡", "government", True, 1, "社会保障卡电子证照", "用于待遇发放"),
    ]),
    ("rs", "失业保险金申领", "benefit", 5004, "《失业保险条例》第十四条、第十六条", [
        ("居民身份证", *ID_CARD[1:]),
        ("终止或者解除劳动合同的证明", "applicant", True, 1, "", ""),
        ("就业失业登记证明", "government", True, 1, "就业失业登记信息", ""),
        ("本人银行账户", "applicant", False, 1, "", "使用社会保障卡金融账户的无需提供"),
    ]),
    ("gjj", "住房公积金提取（购买自住住房）", "public_service", 2001, "《住房公积金管理条例》第二十四条", [
        ("居民身份证", *ID_CARD[1:]),
        ("购房合同", "government", True, 1, "新建商品房网签备案信息", ""),
        PROPERTY[:4] + ("不动产权证书电子证照", "已取得产权证书的提供"),
        ("婚姻状况证明", "government", False, 1, "婚姻登记信息", "提取配偶公积金时提供"),
    ]),
    ("zj", "建筑工程施工许可证核发", "licensing", 1005, "《中华人民共和国建筑法》第七条、第八条", [
        ("建筑工程施工许可证申请表", "applicant", True, 1, "", ""),
        ("建设工程规划许可证", "government", True, 1, "建设工程规划许可信息", ""),
        ("施工合同", "applicant", True, 1, "", ""),
        ("施工企业资质证书", "government", True, 1, "建筑业企业资质证书电子证照", ""),
        ("建设资金已经落实承诺书", "applicant", True, 1, "", ""),
    ]),
    ("zj", "公共租赁住房保障资格审核", "confirmation", 7006, "《公共租赁住房管理办法》第七条", [
        ("公共租赁住房申请表", "applicant", True, 1, "", ""),
        ID_CARD,
        HOUSEHOLD,
        ("婚姻状况证明", "government", True, 1, "婚姻登记信息", ""),
        ("住房公积金缴存证明", "government", False, 1, "住房公积金缴存信息", "有缴存的提供"),
        ("收入证明", "applicant", True, 1, "", ""),
    ]),
    ("yb", "医疗救助", "benefit", 5005, "《社会救助暂行办法》第二十八条", [
        ("医疗救助申请表", "applicant", True, 1, "", ""),
        ID_CARD,
        ("医疗费用票据", "applicant", True, 1, "", "定点医疗机构“一站式”结算的无需提供"),
        ("救助对象身份证明", "government", True, 1, "医疗救助对象信息", ""),
    ]),
    ("tyjr", "退役军人优待证申领", "public_service", 2002, "《中华人民共和国退役军人保障法》第六十一条", [
        ID_CARD,
        ("退役证件", "government", True, 1, "退役军人基本信息", ""),
        ("本人近期免冠照片", "applicant", True, 1, "", ""),
    ]),
    ("sl", "取水许可", "licensing", 1006,
     "《中华人民共和国水法》第四十八条；《取水许可和水资源费征收管理条例》第二条", [
        ("取水许可申请书", "applicant", True, 1, "", ""),
        ("建设项目水资源论证报告书", "intermediary", True, 1, "", ""),
        LICENCE,
    ]),
    ("cg", "城市道路挖掘许可", "licensing", 1007, "《城市道路管理条例》第三十三条", [
        ("城市道路挖掘申请表", "applicant", True, 1, "", ""),
        LICENCE,
        ("施工方案和交通组织方案", "applicant", True, 1, "", ""),
    ]),
    ("yj", "对生产经营单位未按规定进行安全生产教育和培训的行政处罚", "penalty", 2101,
     "《中华人民共和国安全生产法》第九十七条", []),
]


def _replacements(departments):
    """Published, shared demo entries by name (the first by id when two departments use the same name)."""
    entries = (
        Resource.objects.filter(provider__in=departments, status=EntryStatusChoices.PUBLISHED,
                                share_type__in=SHAREABLE_TYPES)
        .order_by("-id")
        .values_list("name", "pk")
    )
    return dict(entries)


def load_service_items(loader) -> int:
    """Create the demo service items of the loaded departments; returns how many were created."""
    admin = loader.users["pingtai"]
    replacements = _replacements(list(loader.departments.values()))
    for key, name, item_type, number, legal_basis, materials in SERVICE_ITEMS:
        department = loader.departments[key]
        base_code = f"00{TYPE_CODES[item_type]}{number:05d}000"
        services.create_item(
            user=admin,
            fields={
                "name": name, "item_type": item_type, "legal_basis": legal_basis, "base_code": base_code,
                "implementation_code": f"{department.credit_code}{base_code}", "department": department,
                "description": "",
            },
            materials=[
                {"name": material, "source": source, "is_required": required, "copies": copies, "notes": notes,
                 "replaced_by": replacements.get(entry) if entry else None}
                for material, source, required, copies, entry, notes in materials
            ],
        )
    return len(SERVICE_ITEMS)

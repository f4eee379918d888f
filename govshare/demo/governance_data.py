"""The vocabulary of the governance demo (issue 4): the city departments' information systems as their audit list
records them, how each one is used, the filed projects, and the Yancheng task table.

System names follow the departments' `systems` in data_org.py (the catalogue entries name them as 来源系统, which is
how a system's source resources are found), plus the odd legacy or overlapping system an audit list always has.

A system's usage profile decides what zombie detection makes of it (the thresholds are the built-in defaults of
`zombies.ZombieRule`: 6 months unused, 12 months unmaintained, 5 % utilisation, 10 monthly users, 0.80 similarity):

    ("active", users, utilisation)   busy every month: no reason
    ("unused", months)               nobody has used it for `months` months (so its latest month also has 0 users)
    ("unmaintained", months)         still used, but nobody has maintained it for `months` months
    ("low_util", percent)            used, but its servers idle at `percent` %
    ("few_users", users)             a handful of users each month

Two pairs have functions alike enough to be proposed as duplicates: 市民政局's 低保审批管理系统 and the provincial
社会救助综合信息平台 (the demo integrates the first into the second and finishes the plan), and 市人社局's two
employment systems (left for the authority to decide).
"""

__all__ = [
    "ARBITRATION",
    "DEPARTMENTS",
    "DUPLICATE_KEEP",
    "DUPLICATE_MERGED",
    "PLAN_DOCUMENT",
    "PLAN_TASKS",
    "PLAN_TITLE",
    "POPULATION",
    "POPULATION_TARGET",
    "PROJECTS",
    "SYSTEMS",
]

# The departments whose audit lists the demo loads, in the order the summary lists them.
DEPARTMENTS = ["jxw", "ga", "mz", "rs", "scjg", "wjw", "zj", "jt", "zrzy", "fgw", "cz", "zwb"]

# Province-built systems are recorded with the province's department as builder and approver.
_PROVINCE = {"funding": "省级财政", "approving": "江苏省发展和改革委员会"}
_CITY = {"funding": "市级财政", "approving": "盐城市发展和改革委员会"}


def _system(key, name, office, function, profile, *, scope="市级", frequency="每日", approved="2016-05-10",
            cost=20, builder="", network="external", deployment="gov_cloud", level=2, connected=False, quick=False,
            province=False):
    origin = _PROVINCE if province else _CITY
    return {
        "key": key, "name": name, "office": office, "function": function, "profile": profile, "scope": scope,
        "frequency": frequency, "approved": approved, "cost": cost, "builder": builder, "network": network,
        "deployment": deployment, "level": level, "connected": connected, "quick": quick,
        "funding": origin["funding"], "approving": origin["approving"],
    }


# The systems the story turns on (names used by governance.py).
POPULATION = "流动人口居住登记系统"  # confirmed zombie, being integrated into:
POPULATION_TARGET = "江苏省人口信息管理系统"
DUPLICATE_MERGED = "低保审批管理系统"  # integrated into (plan done):
DUPLICATE_KEEP = "江苏省社会救助综合信息平台"
ARBITRATION = "劳动人事争议仲裁办案系统"  # flagged for few users, dismissed with a note

SYSTEMS = [
    # 市经信委 (the competent authority runs the platform itself)
    _system("jxw", "盐城市数据共享交换平台", "数据资源处",
            "汇聚市级各部门政务数据资源，提供库表交换、接口服务和文件共享，支撑跨部门、跨层级数据共享交换和目录管理",
            ("active", 620, 58), scope="全市各级政务部门", approved="2017-11-20", cost=260, builder="市经信委",
            level=3, connected=True, quick=True),
    _system("jxw", "智慧盐城运行监测系统", "运行监测协调处",
            "城市运行体征指标采集、大屏可视化展示和运行态势分析研判", ("low_util", 3.1),
            frequency="每周", approved="2018-03-15", cost=85, builder="市经信委", level=2, quick=True),
    _system("jxw", "工业经济运行监测系统", "运行监测协调处",
            "规模以上工业企业用电、产值、税收等运行指标月度监测和预警分析", ("active", 140, 36),
            approved="2015-09-01", cost=30, builder="市经信委"),
    _system("jxw", "两化融合公共服务平台", "信息化推进处",
            "企业两化融合水平评估诊断、对标引导和贯标咨询服务", ("active", 95, 22), scope="全市工业企业",
            frequency="每周", approved="2019-04-12", cost=18, builder="市经信委", network="internet", level=2),

    # 市公安局
    _system("ga", "江苏省人口信息管理系统", "户政管理处",
            "户籍登记、户口迁移、居民身份证受理签发和人口信息综合查询", ("active", 1850, 64),
            scope="全省公安户政部门", approved="2012-06-01", cost=0, builder="江苏省公安厅", network="dedicated",
            deployment="own_room", level=3, connected=True, quick=True, province=True),
    _system("ga", "警务综合平台", "科技信息化处",
            "接处警、案件办理、警情研判和执法监督的一体化警务业务平台", ("active", 3200, 71), scope="全市公安机关",
            approved="2016-08-18", cost=320, builder="市公安局", network="dedicated", deployment="own_room",
            level=3, connected=True, quick=True),
    _system("ga", POPULATION, "户政管理处",
            "来盐务工经商人员的暂住登记、出租屋房东信息采集和租赁备案", ("low_util", 2.4),
            frequency="每月", approved="2014-03-20", cost=26, builder="市公安局", network="dedicated",
            deployment="own_room", level=2, quick=True),
    _system("ga", "治安综合管理信息系统", "治安管理支队",
            "旅馆业、特种行业、重点单位和保安服务的治安管理", ("active", 760, 42), scope="全市公安机关",
            approved="2015-05-06", cost=45, builder="市公安局", network="dedicated", level=3, quick=True),
    _system("ga", "出入境管理信息系统", "出入境管理处",
            "因私出入境证件受理、审批、制证和出入境人员管理", ("active", 210, 47), scope="全市出入境窗口",
            approved="2013-10-09", cost=0, builder="公安部出入境管理局", network="dedicated", level=3, connected=True,
            province=True),
    _system("ga", "公安交通管理综合应用平台", "交通警察支队",
            "机动车登记、驾驶人管理、交通违法处理和交通事故处理", ("active", 1350, 66), scope="全市交警部门",
            approved="2014-07-01", cost=0, builder="公安部交通管理局", network="dedicated", level=3, connected=True,
            province=True),

    # 市民政局
    _system("mz", DUPLICATE_KEEP, "社会救助处",
            "最低生活保障、特困人员供养和临时救助的申请受理、家庭经济状况核对、审核审批和救助资金发放",
            ("active", 640, 52), scope="全省民政部门", approved="2017-02-14", cost=0, builder="江苏省民政厅",
            level=3, connected=True, quick=True, province=True),
    _system("mz", DUPLICATE_MERGED, "社会救助处",
            "最低生活保障申请受理、家庭经济状况核对、审核审批、公示和低保资金发放管理", ("active", 45, 18),
            approved="2013-04-22", cost=24, builder="市民政局", level=2, quick=True),
    _system("mz", "全国婚姻登记信息系统", "婚姻登记处",
            "结婚登记、离婚登记、补领婚姻登记证和婚姻登记档案查询", ("active", 160, 40), scope="全市婚姻登记机关",
            approved="2011-12-01", cost=0, builder="民政部", network="dedicated", level=3, connected=True,
            quick=True, province=True),
    _system("mz", "养老服务信息平台", "养老服务处",
            "居家养老服务对象、养老机构床位、养老服务补贴和服务工单管理", ("unmaintained", 14),
            approved="2016-10-28", cost=38, builder="市民政局", network="internet", level=2, quick=True),
    _system("mz", "社会组织管理信息系统", "社会组织管理处",
            "社会团体、民办非企业单位和基金会的登记、年检和执法监察", ("active", 70, 27),
            approved="2015-06-30", cost=15, builder="市民政局"),
    _system("mz", "区划地名信息管理系统", "区划地名处",
            "行政区划、标准地名和门楼牌地址信息的维护与查询", ("active", 55, 21), frequency="每周",
            approved="2018-05-16", cost=12, builder="市民政局"),

    # 市人社局
    _system("rs", "金保工程业务经办系统", "社会保险处",
            "养老、失业、工伤保险参保登记、缴费基数核定、待遇核定发放和社会保险关系转移",
            ("active", 1480, 69), scope="全市人社经办机构", approved="2012-09-10", cost=410, builder="市人社局",
            network="dedicated", deployment="own_room", level=3, connected=True, quick=True),
    _system("rs", "公共就业服务信息系统", "就业促进处",
            "就业登记、失业登记、职业介绍、职业培训补贴申领和就业困难人员认定", ("active", 380, 38),
            scope="全市公共就业服务机构", approved="2014-11-05", cost=56, builder="市人社局", level=3,
            connected=True, quick=True),
    _system("rs", "就业创业服务管理系统", "就业促进处",
            "就业登记、失业登记、职业介绍、创业补贴和职业培训补贴申领、就业困难人员认定", ("active", 120, 24),
            approved="2019-03-18", cost=42, builder="市人社局", level=2, quick=True),
    _system("rs", "劳动力资源调查系统", "就业促进处",
            "城乡劳动力资源入户调查数据采集、汇总和统计分析", ("unused", 8), frequency="每年",
            approved="2016-04-11", cost=22, builder="市人社局", level=2, quick=True),
    _system("rs", ARBITRATION, "劳动关系处",
            "劳动人事争议仲裁案件立案、开庭排期、裁决文书制作和案卷归档", ("few_users", 8),
            scope="市劳动人事争议仲裁院", approved="2017-07-20", cost=9, builder="市人社局", level=2, quick=True),
    _system("rs", "劳动保障监察信息系统", "劳动关系处",
            "用人单位劳动用工监察、举报投诉处理和欠薪预警", ("active", 160, 33), approved="2015-08-26", cost=28,
            builder="市人社局", level=2, connected=True, quick=True),
    _system("rs", "人事考试报名系统", "人才开发处",
            "事业单位公开招聘和专业技术人员资格考试网上报名、资格审核和准考证打印", ("active", 2600, 31),
            scope="社会公众", frequency="每月", approved="2018-01-08", cost=35, builder="市人社局",
            network="internet", level=2),

    # 市市场监管局
    _system("scjg", "江苏省市场主体登记系统", "登记注册处",
            "企业、个体工商户和农民专业合作社的设立、变更、注销登记", ("active", 520, 61),
            scope="全省市场监管部门", approved="2015-03-01", cost=0, builder="江苏省市场监督管理局", level=3,
            connected=True, province=True),
    _system("scjg", "食品安全监管信息系统", "食品安全协调处",
            "食品生产经营许可、日常监督检查、抽检监测和不合格食品核查处置", ("active", 430, 44),
            approved="2016-06-15", cost=48, builder="市市场监管局", level=2, connected=True),
    _system("scjg", "特种设备安全监管系统", "特种设备安全监察处",
            "锅炉、压力容器、电梯等特种设备使用登记、定期检验和隐患排查", ("active", 190, 35),
            approved="2017-09-04", cost=32, builder="市市场监管局", level=2, connected=True),
    _system("scjg", "个体工商户年报辅助系统", "信用监管处",
            "个体工商户年度报告填报辅导、报送进度统计和催报短信发送", ("unused", 10), frequency="每年",
            approved="2014-12-12", cost=16, builder="原市工商局", level=2),
    _system("scjg", "12315投诉举报处理系统", "信用监管处",
            "消费者投诉、举报的受理、分流转办、调解和处理结果反馈", ("active", 310, 39), scope="全市市场监管部门",
            approved="2019-06-20", cost=40, builder="市市场监管局", network="internet", level=2),

    # 市卫健委
    _system("wjw", "全民健康信息平台", "基层卫生健康处",
            "居民电子健康档案、电子病历共享调阅和区域卫生业务协同", ("active", 2100, 63),
            scope="全市医疗卫生机构", approved="2016-12-30", cost=380, builder="市卫健委", level=3, connected=True),
    _system("wjw", "出生医学证明管理系统", "妇幼健康处",
            "出生医学证明的签发、换发、补发和空白证件管理", ("active", 150, 29), scope="全市助产机构",
            approved="2018-02-26", cost=14, builder="市卫健委", level=2, connected=True),
    _system("wjw", "免疫规划信息系统", "疾病预防控制处",
            "儿童预防接种登记、疫苗出入库管理和接种提醒", ("active", 680, 48), scope="全市预防接种门诊",
            approved="2015-10-19", cost=0, builder="江苏省疾病预防控制中心", level=3, province=True),
    _system("wjw", "医疗机构监管系统", "医政医管处",
            "医疗机构和医师执业注册、校验和不良执业行为记分", ("active", 90, 26), approved="2017-04-07",
            cost=20, builder="市卫健委", level=2, connected=True),
    _system("wjw", "计划生育药具管理系统", "人口监测与家庭发展处",
            "避孕药具需求计划、出入库和免费发放登记", ("low_util", 2.7), frequency="每月", approved="2012-08-15",
            cost=11, builder="原市人口计生委", deployment="own_room", level=1),

    # 市住建局
    _system("zj", "房屋交易与产权管理系统", "房地产市场监管处",
            "新建商品房和存量房网签备案、交易资金监管和房屋产权档案管理", ("active", 540, 57),
            approved="2014-05-28", cost=96, builder="市住建局", level=3, connected=True),
    _system("zj", "建筑市场监管与诚信信息平台", "建筑市场监管处",
            "建筑企业、从业人员和工程项目信息管理及信用评价", ("active", 360, 41), approved="2016-11-11", cost=45,
            builder="市住建局", level=2, connected=True),
    _system("zj", "住房保障信息管理系统", "住房保障处",
            "公共租赁住房申请审核、轮候配租和租赁补贴发放", ("active", 120, 30), approved="2015-12-02", cost=22,
            builder="市住建局", level=2),
    _system("zj", "城建档案管理系统", "城市建设处",
            "建设工程竣工档案接收、著录、数字化扫描和借阅利用", ("unmaintained", 15), frequency="每周",
            approved="2011-06-17", cost=18, builder="原市城建档案馆", deployment="own_room", level=2),
    _system("zj", "物业管理服务平台", "房地产市场监管处",
            "物业服务企业备案、物业项目和业主委员会管理", ("active", 85, 20), frequency="每周",
            approved="2020-03-09", cost=16, builder="市住建局", network="internet", level=2),

    # 市交通运输局
    _system("jt", "道路运政管理信息系统", "运输管理处",
            "道路运输经营许可、车辆营运证和从业人员资格证管理", ("active", 260, 45), approved="2013-09-23", cost=0,
            builder="江苏省交通运输厅", level=3, connected=True, province=True),
    _system("jt", "交通运输综合执法系统", "综合规划处",
            "路政、运政和港航行政执法的案件办理和执法监督", ("active", 330, 38), approved="2019-08-01", cost=52,
            builder="市交通运输局", level=2, connected=True),
    _system("jt", "公交一卡通清分结算系统", "运输管理处",
            "公交IC卡充值消费数据的清分、结算和对账", ("active", 40, 55), scope="市公交集团、一卡通公司",
            approved="2012-11-30", cost=60, builder="市交通运输局", deployment="own_room", level=3),
    _system("jt", "出租汽车服务管理系统", "运输管理处",
            "出租汽车经营权、驾驶员从业资格和服务质量信誉考核", ("few_users", 5), frequency="每月",
            approved="2014-02-18", cost=12, builder="市交通运输局", level=2),

    # 市自然资源和规划局
    _system("zrzy", "国土空间基础信息平台", "测绘地理信息处",
            "国土空间规划、遥感影像和基础测绘成果的汇聚、共享和在线地图服务", ("active", 420, 53),
            approved="2019-10-15", cost=150, builder="市自然资源和规划局", level=3, connected=True),
    _system("zrzy", "建设用地审批系统", "建设用地审批处",
            "建设用地预审、农用地转用和土地征收的组卷报批", ("active", 150, 34), approved="2014-04-03", cost=25,
            builder="原市国土资源局", level=2, connected=True),
    _system("zrzy", "自然资源一张图系统", "国土空间规划处",
            "自然资源现状、规划和管理数据的一张图叠加分析", ("active", 230, 46), approved="2020-06-30", cost=70,
            builder="市自然资源和规划局", level=2),
    _system("zrzy", "不动产测绘成果管理系统", "测绘地理信息处",
            "不动产权籍调查、房产测绘成果审核和入库", ("active", 75, 23), frequency="每周", approved="2017-01-16",
            cost=14, builder="市自然资源和规划局", level=2),

    # 市发改委
    _system("fgw", "投资项目在线审批监管平台", "固定资产投资处",
            "固定资产投资项目赋码、审批核准备案和在线监管", ("active", 480, 47), approved="2016-03-21", cost=0,
            builder="国家发展改革委", level=3, connected=True, province=True),
    _system("fgw", "盐城市公共信用信息系统", "社会信用体系建设处",
            "法人和自然人公共信用信息归集、信用报告查询和守信联合激励、失信联合惩戒", ("active", 720, 56),
            approved="2015-11-09", cost=110, builder="市发改委", level=3, connected=True),
    _system("fgw", "价格监测信息系统", "价格管理处",
            "重要商品和服务价格的定点采集、监测分析和异常波动预警", ("active", 65, 25), frequency="每周",
            approved="2013-05-13", cost=12, builder="市发改委", level=2),
    _system("fgw", "重点项目管理系统", "固定资产投资处",
            "市级重点项目建设进度填报、调度会商和年度考核", ("active", 210, 28), approved="2018-07-02", cost=19,
            builder="市发改委", level=2),

    # 市财政局
    _system("cz", "预算管理一体化系统", "预算处",
            "部门预算编制、预算指标管理、国库集中支付和部门决算", ("active", 1650, 67),
            scope="市级预算单位", approved="2021-06-01", cost=260, builder="江苏省财政厅", level=3, connected=True,
            province=True),
    _system("cz", "政府采购管理交易系统", "政府采购管理处",
            "政府采购计划、项目交易、合同备案和履约验收", ("active", 820, 43), scope="市级预算单位、供应商",
            approved="2016-09-12", cost=75, builder="市财政局", network="internet", level=3, connected=True),
    _system("cz", "非税收入收缴管理系统", "国库处",
            "非税收入电子票据开具、收缴入库和银行对账", ("active", 390, 37), approved="2017-12-18", cost=34,
            builder="市财政局", level=3),
    _system("cz", "财政投资评审管理系统", "预算处",
            "政府投资项目概算、预算和结算的评审委托与评审报告管理", ("active", 60, 19), frequency="每周",
            approved="2015-04-27", cost=10, builder="市财政局", level=2),

    # 市政务办
    _system("zwb", "江苏政务服务网（盐城）", "审批服务处",
            "政务服务事项网上申报、办件进度查询和好差评", ("active", 5200, 62), scope="社会公众",
            approved="2016-10-10", cost=0, builder="江苏省政务服务管理办公室", network="internet", level=3,
            connected=True, province=True),
    _system("zwb", "12345政务服务便民热线系统", "12345热线管理处",
            "热线电话和网络诉求的受理、派单、督办和回访", ("active", 860, 58), scope="市级部门、县（市、区）",
            approved="2015-01-20", cost=140, builder="市政务办", level=3, connected=True),
    _system("zwb", "一窗受理综合服务平台", "审批服务处",
            "政务服务大厅综合窗口的统一受理、分类分办和统一出件", ("active", 640, 49), scope="市、县政务服务中心",
            approved="2018-08-08", cost=85, builder="市政务办", level=2, connected=True),
    _system("zwb", "政务服务事项管理系统", "审批服务处",
            "政务服务事项目录、实施清单和办事指南的编制、审核与发布", ("active", 130, 24), frequency="每周",
            approved="2019-02-25", cost=20, builder="市政务办", level=2),
]


# Project filings. `resources`: how many of the construction unit's published shared entries it links.
PROJECTS = {
    "approved": {
        "key": "ga", "user": "bumen", "name": "公安数据智能应用平台（二期）", "detail": "科技信息化处",
        "channel": "construction", "investment": "1860", "om": "120", "level": 3, "connect": True, "resources": 2,
        "function": "建设视频图像解析、多源数据关联比对和风险人员动态管控模型，为治安防控、反诈预警提供"
                    "智能研判；新产生的研判结果编目后通过市数据共享交换平台按需共享。",
        "opinions": {
            "development_reform": "项目符合《盐城市政务信息系统整合共享工作实施方案》和全市政务信息化建设规划，"
                                  "同意立项。",
            "finance": "投资估算依据充分，同意纳入2027年市级财政预算，分两年安排。",
        },
        "decision": "项目已编制信息资源目录、计划接入市数据共享交换平台，与现有系统无重复建设，等保备案齐全，"
                    "同意备案。",
    },
    "resubmitted": {
        "key": "rs", "user": "renshe", "name": "人社业务系统2027年度运维", "detail": "信息中心",
        "channel": "om", "investment": "0", "om": "498", "level": 3, "connect": True, "resources": 2,
        "function": "社会保险经办、劳动保障监察和劳动力资源调查三个在用系统的年度运维：硬件维保、"
                    "数据库维护、安全加固和7×24小时技术支持。",
        "systems": ["金保工程业务经办系统", "劳动保障监察信息系统", "劳动力资源调查系统"],
        "opinions_round1": {
            "development_reform": ("agree", "同意对在用系统安排运维。"),
            "finance": ("disagree", "劳动力资源调查系统已被标记为疑似僵尸系统，连续{months}个月无人使用，"
                                    "按规定不予安排运维经费。"),
        },
        "refusal": "运维经费申请包含疑似僵尸系统“劳动力资源调查系统”（连续{months}个月无人使用），不符合“僵尸系统不予"
                   "安排运维经费”的要求；请剔除该系统、相应核减运维费用后重新提交。",
        "resubmit": {
            "name": "人社业务系统2027年度运维（修订）", "om": "466",
            "function": "社会保险经办和劳动保障监察两个在用系统的年度运维：硬件维保、数据库维护、安全加固和"
                        "7×24小时技术支持；劳动力资源调查系统已申请关停，不再安排运维。",
            "systems": ["金保工程业务经办系统", "劳动保障监察信息系统"],
        },
        "opinion_round2": ("development_reform", "agree", "同意。"),
    },
    "draft": {
        "key": "mz", "user": "minzheng", "name": "智慧养老服务平台", "detail": "养老服务处",
        "channel": "construction", "investment": "680", "om": "45", "level": 2, "connect": False, "resources": 0,
        "function": "居家养老服务对象、养老机构床位、养老服务补贴和服务工单管理，新增老人紧急呼叫和"
                    "助餐点管理功能。",
    },
}

# The Yancheng plan (seed 001, its 附件 盐城市政务信息系统整合共享重点工作任务), verbatim: (序号, 工作任务, 牵头单位,
# 协同单位, 时序进度); units separated by spaces as in the seed. governance.py rewrites the 时序进度 years.
PLAN_TITLE = "盐城市政务信息系统整合共享重点工作任务"
PLAN_DOCUMENT = "盐城市政务信息系统整合共享工作实施方案"
PLAN_TASKS = [
    ("1", "全面完成对“僵尸”信息系统的清理和信息系统整合", "市级各部门", "", "2018年12月底前"),
    ("2", "修订完善《盐城市政务信息资源共享管理暂行办法》", "市经信委", "市各有关部门 市信息资源监管中心",
     "2018年12月底前"),
    ("3", "提出我市政务信息系统整合共享工作与党政机关电子公文系统安全可靠应用工作衔接的网络安全保障方案",
     "市经信委 市公安局", "市各有关部门", "2018年12月底前"),
    ("4", "完善并优化市级数据共享交换平台功能", "市经信委", "市发改委 市电子政务办 市信息资源监管中心",
     "2018年12月底前"),
    ("5", "编制完成全市和部门政务信息资源目录", "市经信委", "市级各部门 市信息资源监管中心", "2018年12月底前"),
    ("6", "推进政务信息系统迁移工作，拓展网络覆盖范围，提升网络支撑能力", "市电子政务办", "市各有关部门",
     "2018年12月底前"),
    ("7", "重点市级部门政务信息系统和数据资源接入市级共享交换平台", "市经信委", "市各有关部门 市信息资源监管中心",
     "2018年12月底前"),
    ("8", "依法依规实现基础数据和重点领域数据的共享服务", "市经信委", "市各有关部门 市信息资源监管中心",
     "2018年12月底前"),
    ("9", "积极开展“互联网+政务服务”试点，推动市级政务服务大厅接入国家政务服务平台", "市政务服务办",
     "市各有关部门 市信息资源监管中心", "2018年12月底前"),
    ("10", "制定我市电子政务服务采购管理相关办法", "市财政局", "市经信委 市政务办", "2018年12月底前"),
    ("11", "实现省、市两级平台对接", "市经信委", "市各有关部门 市信息资源监管中心", "2018年12月底前"),
    ("12", "初步打通与国家、省垂直系统的数据查询互认通道,逐步满足市级政务服务对相关数据查询的需求", "市经信委",
     "市各有关部门 市信息资源监管中心", "2018年12月底前"),
    ("13", "市级各部门数据及时挂接至市级数据共享交换平台", "市经信委", "市级各部门 市信息资源监管中心",
     "2018年12月底前"),
    ("14", "提升行政权利“三级四同”标准化清单,推进“一窗一网”利企便民不见面集成改革", "市编办 市政务办",
     "市各有关部门", "2018年12月底前"),
    ("15", "开展对“僵尸”信息系统清理工作专项督查", "市政府督查室", "市发改委 市经信委 市财政局 市审计局",
     "2018年12月底前"),
    ("16", "研究制定我市数据安全管理办法", "市委网信办", "市发改委 市经信委 市公安局 市质监局等有关部门",
     "2018年12月底前"),
    ("17", "向市经信委(市智慧盐城建设领导小组办公室)报送年度政务信息资源共享情况", "市级各部门", "",
     "每年12月底前"),
    ("18", "对我市上一年度政务信息资源共享情况形成年度报告,提交市政府审定后报省", "市经信委",
     "市各有关部门 市信息资源监管中心", "每年1月底前"),
]

# ruff: noqa: E501 - one catalogue entry or info item per line reads better than wrapped table rows
"""The info item (信息项) vocabulary of the demo catalogue.

One line per item: name | code | data type | length | flags | description. Flags: `s` sensitive (personal or
otherwise protected information). Entries refer to items by name; `GROUPS` are reusable runs of items written
`@name` in an entry's item list.
"""

__all__ = ["GROUPS", "ITEMS"]

_TABLE = """
# --- 自然人
公民身份号码|GMSFHM|C|18|s|18位公民身份号码（GB 11643）
姓名|XM|C|50|s|
曾用名|CYM|C|50|s|
性别|XB|C|1||GB/T 2261.1 人的性别代码
民族|MZ|C|2||GB/T 3304 中国各民族名称的罗马字母拼写法和代码
出生日期|CSRQ|D|8||格式YYYYMMDD
出生地|CSD|C|200||
籍贯|JG|C|100||
国籍|GJ|C|3||GB/T 2659 国家和地区代码
户籍地址|HJDZ|C|200|s|
户籍地行政区划|HJDXZQH|C|6||GB/T 2260 行政区划代码
现居住地址|XJZDZ|C|200|s|
居住证号码|JZZHM|C|30|s|
与户主关系|YHZGX|C|2||GB/T 4761 家庭关系代码
户号|HH|C|20|s|
户别|HB|C|1||1 家庭户 2 集体户
婚姻状况|HYZK|C|2||GB/T 2261.2 婚姻状况代码
文化程度|WHCD|C|2||GB/T 4658 学历代码
服务处所|FWCS|C|200||
职业|ZY|C|100||
联系电话|LXDH|C|20|s|
手机号码|SJHM|C|11|s|
电子邮箱|DZYX|C|100|s|
死亡日期|SWRQ|D|8||
死亡原因|SWYY|C|200|s|
迁入日期|QRRQ|D|8||
迁入原因|QRYY|C|100||
迁出日期|QCRQ|D|8||
迁出原因|QCYY|C|100||
迁出地址|QCDZ|C|200|s|
证件类型|ZJLX|C|2||居民身份证、护照、港澳居民来往内地通行证等
证件号码|ZJHM|C|30|s|
监护人姓名|JHRXM|C|50|s|
监护人公民身份号码|JHRGMSFHM|C|18|s|
# --- 出生、婚姻、殡葬
新生儿姓名|XSEXM|C|50|s|
出生时间|CSSJ|T|14||
出生体重|CSTZ|N|4||单位：克
出生医学证明编号|CSYXZMBH|C|10||
接生机构名称|JSJGMC|C|200||
母亲姓名|MQXM|C|50|s|
母亲公民身份号码|MQGMSFHM|C|18|s|
父亲姓名|FQXM|C|50|s|
父亲公民身份号码|FQGMSFHM|C|18|s|
签发日期|QFRQ|D|8||
男方姓名|NFXM|C|50|s|
男方公民身份号码|NFGMSFHM|C|18|s|
女方姓名|NVFXM|C|50|s|
女方公民身份号码|NVFGMSFHM|C|18|s|
婚姻登记类型|HYDJLX|C|2||结婚、离婚、补领结婚证、补领离婚证
登记日期|DJRQ|D|8||
婚姻登记机关|HYDJJG|C|200||
结婚证字号|JHZZH|C|30||
火化日期|HHRQ|D|8||
殡仪馆名称|BYGMC|C|200||
# --- 法人和其他组织
统一社会信用代码|TYSHXYDM|C|18||GB 32100 法人和其他组织统一社会信用代码
企业名称|QYMC|C|200||
单位名称|DWMC|C|200||
机构名称|JGMC|C|200||
社会组织名称|SHZZMC|C|200||
市场主体类型|SCZTLX|C|4||GB/T 38659 市场主体类型代码
企业类型|QYLX|C|4||
法定代表人|FDDBR|C|50||
法定代表人证件号码|FDDBRZJHM|C|18|s|
负责人|FZR|C|50||
注册资本|ZCZB|Y|18||单位：万元
注册资本币种|ZCZBBZ|C|3||GB/T 12406 货币代码
开办资金|KBZJ|Y|18||单位：万元
成立日期|CLRQ|D|8||
营业期限自|YYQXZ|D|8||
营业期限至|YYQXZHI|D|8||
经营范围|JYFW|M|||
业务范围|YWFW|M|||
宗旨和业务范围|ZZHYWFW|M|||
住所|ZS|C|200||
经营场所|JYCS|C|200||
登记机关|DJJG|C|200||
登记状态|DJZT|C|2||存续、在业、吊销、注销、迁出
核准日期|HZRQ|D|8||
行业代码|HYDM|C|5||GB/T 4754 国民经济行业分类代码
举办单位|JBDW|C|200||
业务主管单位|YWZGDW|C|200||
社会组织类型|SHZZLX|C|2||社会团体、民办非企业单位、基金会
注销日期|ZXRQ|D|8||
吊销日期|DXRQ|D|8||
从业人员数|CYRYS|I|8||
股东名称|GDMC|C|200||
出资额|CZE|Y|18||单位：万元
出资方式|CZFS|C|50||
出资比例|CZBL|B|8||百分比
# --- 通用
行政区划代码|XZQHDM|C|6||GB/T 2260 行政区划代码
所属区县|SSQX|C|50||
地址|DZ|C|200||
详细地址|XXDZ|C|200||
经度|JD|B|12||CGCS2000 坐标系
纬度|WD|B|12||CGCS2000 坐标系
办理日期|BLRQ|D|8||
办理机构|BLJG|C|200||
受理日期|SLRQ|D|8||
办结日期|BJRQ|D|8||
办理状态|BLZT|C|2||
办理结果|BLJG2|C|500||
数据来源|SJLY|C|100||
数据更新时间|SJGXSJ|T|14||
备注|BZ|M|||
统计年度|TJND|C|4||
统计期别|TJQB|C|6||格式YYYYMM
统计指标名称|TJZBMC|C|100||
指标值|ZBZ|B|18||
计量单位|JLDW|C|20||
年度|ND|C|4||
# --- 证照
证照名称|ZZMC|C|100||
证照类型代码|ZZLXDM|C|20||国家电子证照目录中的证照类型代码
证照编号|ZZBH|C|50||
证照标识|ZZBS|C|64||电子证照唯一标识
持证主体|CZZT|C|200|s|
持证主体代码|CZZTDM|C|30|s|身份证号码或统一社会信用代码
持证主体代码类型|CZZTDMLX|C|2||
颁证单位|BZDW|C|200||
颁证单位代码|BZDWDM|C|18||颁证单位统一社会信用代码
颁证日期|BZRQ|D|8||
有效期起始日期|YXQQSRQ|D|8||
有效期截止日期|YXQJZRQ|D|8||
证照状态|ZZZT|C|2||有效、注销、吊销、过期
证照文件|ZZWJ|G|||版式文件（OFD）
签章信息|QZXX|M|||电子印章签章数据
# --- 行政许可、处罚（双公示）
行政相对人名称|XZXDRMC|C|200||
行政相对人类别|XZXDRLB|C|2||法人及非法人组织、自然人、个体工商户
行政相对人代码|XZXDRDM|C|18|s|统一社会信用代码或公民身份号码
行政许可决定文书号|XZXKJDWSH|C|64||
许可类别|XKLB|C|2||普通、特许、认可、核准、登记、其他
许可证书名称|XKZSMC|C|64||
许可编号|XKBH|C|64||
许可内容|XKNR|M|||
许可决定日期|XKJDRQ|D|8||
许可截止期|XKJZQ|D|8||
许可机关|XKJG|C|200||
许可机关统一社会信用代码|XKJGTYSHXYDM|C|18||
行政处罚决定书文号|XZCFJDSWH|C|64||
违法行为类型|WFXWLX|C|200||
违法事实|WFSS|M|||
处罚依据|CFYJ|M|||
处罚类别|CFLB|C|50||警告、罚款、没收违法所得、责令停产停业、暂扣或吊销许可证等
处罚内容|CFNR|M|||
罚款金额|FKJE|Y|18||单位：万元
没收违法所得金额|MSWFSDJE|Y|18||单位：万元
处罚决定日期|CFJDRQ|D|8||
处罚机关|CFJG|C|200||
公示截止期|GSJZQ|D|8||
信用主体名称|XYZTMC|C|200||
信用主体代码|XYZTDM|C|18|s|
信用等级|XYDJ|C|2||A、B、C、D
认定单位|RDDW|C|200||
认定日期|RDRQ|D|8||
列入原因|LRYY|M|||
列入日期|LRRQ|D|8||
移出日期|YCRQ|D|8||
失信行为|SXXW|M|||
守信激励措施|SXJLCS|M|||
失信惩戒措施|SXCJCS|M|||
# --- 事项与办件
事项编码|SXBM|C|32||政务服务事项基本目录编码
事项名称|SXMC|C|200||
事项类型|SXLX|C|2||行政许可、行政给付、行政确认、其他行政权力、公共服务等
设定依据|SDYJ|M|||
实施主体|SSZT|C|200||
责任处室|ZRCS|C|100||
法定时限|FDSX|I|4||单位：工作日
承诺时限|CNSX|I|4||单位：工作日
办件编号|BJBH|C|50||
申请人名称|SQRMC|C|200|s|
申请人证件号码|SQRZJHM|C|30|s|
申请时间|SQSJ|T|14||
办结时间|BJSJ|T|14||
办件结果|BJJG|C|2||准予许可、不予许可、办结
办理渠道|BLQD|C|2||窗口、网上、移动端、自助终端
满意度评价|MYDPJ|C|2||非常满意、满意、基本满意、不满意、非常不满意
"""

# Part 2 of the vocabulary (domain items) is appended from data_items2.
from .data_items2 import TABLE as _TABLE2  # noqa: E402


def _parse(*tables):
    items = {}
    for table in tables:
        for line in table.strip().splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, code, data_type, length, flags, description = (part.strip() for part in line.split("|"))
            if name in items:
                raise ValueError(f"duplicate info item {name}")
            items[name] = {
                "name": name,
                "code": code,
                "data_type": data_type,
                "length": int(length) if length else None,
                "description": description,
                "is_sensitive": "s" in flags,
            }
    return items


ITEMS = _parse(_TABLE, _TABLE2)

# Runs of items used by many entries.
GROUPS = {
    "人": "公民身份号码 姓名 性别 出生日期",
    "人全": "公民身份号码 姓名 性别 民族 出生日期 户籍地址",
    "企": "统一社会信用代码 企业名称 法定代表人",
    "单位": "统一社会信用代码 单位名称 法定代表人",
    "证照": "证照名称 证照类型代码 证照编号 证照标识 持证主体 持证主体代码 持证主体代码类型 颁证单位 颁证单位代码 "
            "颁证日期 有效期起始日期 有效期截止日期 证照状态 证照文件",
    "许可": "行政相对人名称 行政相对人类别 行政相对人代码 法定代表人 行政许可决定文书号 许可类别 许可证书名称 许可编号 "
            "许可内容 许可决定日期 许可截止期 许可机关 许可机关统一社会信用代码",
    "处罚": "行政相对人名称 行政相对人类别 行政相对人代码 法定代表人 行政处罚决定书文号 违法行为类型 违法事实 处罚依据 "
            "处罚类别 处罚内容 罚款金额 处罚决定日期 处罚机关 公示截止期",
    "事项": "事项编码 事项名称 事项类型 设定依据 实施主体 责任处室 法定时限 承诺时限",
    "办件": "办件编号 事项编码 事项名称 申请人名称 申请人证件号码 申请时间 受理日期 办结时间 办件结果 办理渠道",
    "统计": "统计年度 统计期别 行政区划代码 统计指标名称 指标值 计量单位",
    "位置": "行政区划代码 详细地址 经度 纬度",
}

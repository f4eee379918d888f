"""The task table of the Yancheng plan in the seeds (shared/seeds/001_*.txt, its 附件
盐城市政务信息系统整合共享重点工作任务), copied verbatim into seed_task_table.tsv (tab-separated, the header
repeated where the table breaks a page)."""

from pathlib import Path

TITLE = "盐城市政务信息系统整合共享重点工作任务"
HEADER = ("序号", "工作任务", "牵头单位", "协同单位", "时序进度")


def _rows():
    rows = []
    for line in (Path(__file__).with_name("seed_task_table.tsv")).read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if not line.strip() or tuple(cells) == HEADER:
            continue
        number, text, lead, cooperating, deadline = (cells + [""] * 5)[:5]
        rows.append((int(number), text, lead, cooperating, deadline))
    return rows


# (序号, 工作任务, 牵头单位, 协同单位, 时序进度); units separated by spaces, as in the seed.
ROWS = _rows()

# The departments of the city the table names (full name, short name as the table writes it).
DEPARTMENTS = [
    ("盐城市经济和信息化委员会", "市经信委"),
    ("市公安局", ""),
    ("市发展和改革委员会", "市发改委"),
    ("市电子政务办公室", "市电子政务办"),
    ("市政务服务管理办公室", "市政务办"),
    ("市财政局", ""),
    ("市机构编制委员会办公室", "市编办"),
    ("市政府督查室", ""),
    ("市审计局", ""),
    ("市委网络安全和信息化委员会办公室", "市委网信办"),
    ("市市场监督管理局", "市质监局"),
]

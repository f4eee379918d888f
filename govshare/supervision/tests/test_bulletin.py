"""The weekly bulletin (content, PDF with embedded CJK fonts, DOCX with the East Asian font) and the monthly view."""

import datetime
import io

import pytest
from django.utils import timezone

from govshare.supervision import services
from govshare.supervision.bulletin import (
    build_bulletin,
    build_monthly,
    parse_month,
    parse_week,
    render_docx,
    render_pdf,
)
from govshare.supervision.choices import TaskStateChoices

pytestmark = pytest.mark.django_db
D = datetime.date


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def week_41(world, make_task):
    """Week 2026-W41 (5-11 October, across National Day): one task overdue, one due soon, one done, reports."""
    overdue = make_task("2026年9月30日前", lead=("市经信委",), number="1")
    soon = make_task("2026年10月14日前", lead=("市公安局",), number="2")
    done = make_task("2026年10月9日前", lead=("市财政局",), number="3")
    quiet = make_task("2026年12月31日前", lead=("市审计局",), number="4")
    services.report_progress(done, user=world["finance_admin"], text="采购管理办法已印发", percent=100,
                             reported_at=_at(D(2026, 10, 9)))
    services.report_progress(soon, user=world["police_admin"], text="安全方案已起草", percent=60,
                             reported_at=_at(D(2026, 10, 10)))
    services.report_progress(overdue, user=world["jxw_admin"], text="上周进展", percent=20,
                             reported_at=_at(D(2026, 9, 28)))
    done.refresh_from_db()
    done.completed_on = D(2026, 10, 9)
    done.save()
    return {"overdue": overdue, "soon": soon, "done": done, "quiet": quiet}


def test_parse_week_and_month():
    assert parse_week("2026-W41") == (D(2026, 10, 5), D(2026, 10, 11))
    assert parse_week("2026W01") == (D(2025, 12, 29), D(2026, 1, 4))  # ISO week 1 starts in the year before
    for bad in ("2026-41", "2026-W54", "", "W41"):
        with pytest.raises(ValueError):
            parse_week(bad)
    assert parse_month("2026-02") == (D(2026, 2, 1), D(2026, 2, 28))
    with pytest.raises(ValueError):
        parse_month("2026-13")


def test_bulletin_content(world, week_41):
    bulletin = build_bulletin("2026-W41", user=world["supervisor"], today=D(2026, 11, 23))
    assert bulletin.as_of == D(2026, 10, 11)
    assert bulletin.counts == {"total": 4, "done": 1, "in_progress": 0, "not_started": 1, "overdue": 1,
                               "due_soon": 1, "open": 3, "active": 1}
    assert [(unit, [line.task.number for line in lines]) for unit, lines in bulletin.overdue_by_unit] == [
        ("盐城市经济和信息化委员会", ["1"])]
    # Due 30 September, the deadline's working day; overdue from 8 October: 8, 9, 10 (make-up day) = 3 by Sunday.
    assert bulletin.overdue_by_unit[0][1][0].overdue_days == 3
    assert [report.text for report in bulletin.reports] == ["采购管理办法已印发", "安全方案已起草"]
    # 市经信委 reported the week before only; 市审计局 never; 市财政局's task is done.
    assert bulletin.silent_units == ["市审计局", "盐城市经济和信息化委员会"]
    assert [line.task.number for line in bulletin.due_soon] == ["2"]


def test_a_current_week_is_counted_up_to_today(world, week_41):
    bulletin = build_bulletin("2026-W41", user=world["supervisor"], today=D(2026, 10, 8))
    assert bulletin.as_of == D(2026, 10, 8)
    assert bulletin.counts["done"] == 0  # completed on the 9th


def test_bulletin_only_shows_plans_the_reader_sees(world, week_41):
    assert build_bulletin("2026-W41", user=world["other_officer"]).counts["total"] == 0


def test_pdf_embeds_cjk_fonts_and_the_text_extracts(world, week_41):
    from pypdf import PdfReader

    pdf = render_pdf(build_bulletin("2026-W41", user=world["supervisor"], today=D(2026, 11, 23)))
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in ("督查周通报", "2026年第41周", "2026年10月5日 至 2026年10月11日", "一、总体情况",
                     "已逾期 1 项", "盐城市经济和信息化委员会", "采购管理办法已印发", "市审计局", "任务1"):
        assert expected in text, expected
    font_files = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if descriptor is not None:
                descriptor = descriptor.get_object()
                font_files |= {key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor}
                assert "CJK" in str(font["/BaseFont"])
    assert font_files, "the PDF must embed a font program"


def test_docx_text_and_east_asian_font(world, week_41):
    from docx import Document
    from docx.oxml.ns import qn

    content = render_docx(build_bulletin("2026-W41", user=world["supervisor"], today=D(2026, 11, 23)))
    document = Document(io.BytesIO(content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for expected in ("督查周通报", "2026年第41周", "已逾期 1 项", "盐城市经济和信息化委员会（1项）",
                     "采购管理办法已印发", "四、本周未报送进展的单位", "市审计局、盐城市经济和信息化委员会"):
        assert expected in text, expected
    assert "任务总数" in cells and "即将到期" in cells
    normal_fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal_fonts.get(qn("w:eastAsia")) == "宋体"
    run_fonts = document.paragraphs[1].runs[0].element.rPr.find(qn("w:rFonts"))
    assert run_fonts.get(qn("w:eastAsia")) == "宋体"


def test_monthly_view_by_unit(world, week_41):
    view = build_monthly("2026-10", user=world["supervisor"], today=D(2026, 11, 23))
    by_name = {unit.name: unit for unit in view.units}
    jxw = by_name["盐城市经济和信息化委员会"]
    assert [(line.task.number, role, reports) for line, role, reports in jxw.rows] == [("1", "牵头", 0)]
    assert jxw.counts == {TaskStateChoices.OVERDUE: 1}
    finance = by_name["市财政局"]
    assert finance.rows[0][0].state == TaskStateChoices.DONE and finance.rows[0][2] == 1
    only = build_monthly("2026-10", user=world["supervisor"], department=world["units"]["市公安局"])
    assert [unit.name for unit in only.units] == ["市公安局"]

from PySide6.QtCore import Qt

from hall.models.enums import Role
from hall.services.audit import Actor
from hall.ui.catalog_model import CatalogRow, CatalogTableModel
from hall.ui.catalog_page import CatalogPage
from hall.ui.main_window import MainWindow


def titles(page: CatalogPage) -> list[str]:
    model = page.proxy
    return [model.index(r, 2).data() for r in range(model.rowCount())]


def search(qtbot, page: CatalogPage, text: str) -> None:
    page.search.setText(text)
    qtbot.waitUntil(lambda: not page._debounce.isActive())
    page.refresh()


def test_search_by_pinyin_initials_code_and_text(qtbot, ctx) -> None:
    page = CatalogPage(ctx)
    qtbot.addWidget(page)
    assert len(titles(page)) == 12  # 6 items and 6 scope entries
    assert titles(page)[0] == "食品经营许可"  # no query: the catalog's own order
    search(qtbot, page, "samr-00")
    assert titles(page) == ["食品经营许可", "食品经营备案（仅销售预包装食品）"]  # by code
    search(qtbot, page, "spjy")
    assert titles(page) == ["食品经营许可", "食品经营备案（仅销售预包装食品）"]  # best match first
    search(qtbot, page, "r5001")
    assert titles(page) == ["歌舞娱乐活动"]
    search(qtbot, page, "住宿")
    assert titles(page) == ["住宿服务"]
    search(qtbot, page, "没有这个")
    assert titles(page) == [] and "没有找到" in page.details.toPlainText()


def test_filter_by_reform_mode_and_kind(qtbot, ctx) -> None:
    page = CatalogPage(ctx)
    qtbot.addWidget(page)
    page.kind.setCurrentIndex(1)  # items only
    page.mode.setCurrentIndex(page.mode.findText("实行告知承诺"))
    assert titles(page) == ["食品经营许可"]


def test_details_show_mode_limits_materials_and_conditions(qtbot, ctx) -> None:
    page = CatalogPage(ctx)
    qtbot.addWidget(page)
    search(qtbot, page, "SAMR-001")
    text = page.details.toPlainText()
    for expected in (
        "食品经营许可",
        "实行告知承诺",
        "市场监督管理局",
        "经营场所面积不少于20平方米",
        "营业执照",
        "数据核验",
        "决定后 20 个工作日内",
        "按一般程序，法定 20 个工作日",
        "餐饮服务",
    ):
        assert expected in text, expected
    search(qtbot, page, "R5001")
    text = page.details.toPlainText()
    assert "娱乐场所经营许可" in text and "公共场所卫生许可" in text


def test_keyboard_down_from_search_moves_into_results(qtbot, ctx) -> None:
    page = CatalogPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.focus_search()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.focusWidget() is page.table
    assert page.table.selectionModel().hasSelection()


def test_table_model_is_well_behaved(qtmodeltester) -> None:
    model = CatalogTableModel()
    model.set_rows(
        [
            CatalogRow("item", "A-1", "食品经营许可", "实行告知承诺", "市场监督管理局"),
            CatalogRow("scope", "H0101", "餐饮服务", "许可项目", ""),
        ]
    )
    qtmodeltester.check(model)


def test_main_window_menus_have_shortcuts_and_status_shows_who(qtbot, ctx) -> None:
    window = MainWindow(ctx, Actor("clerk01", Role.clerk, "C01", "张敏"))
    qtbot.addWidget(window)
    actions = [
        a
        for menu in window.menuBar().actions()
        for a in menu.menu().actions()
        if not a.isSeparator()
    ]
    assert actions and all(not a.shortcut().isEmpty() for a in actions)
    assert window.user_label.text() == "张敏（窗口受理员）"
    assert window.counter_label.text() == "窗口 C01"
    assert window.catalog_label.text() == "目录第1版"


def test_markup_in_catalog_text_is_shown_literally(qtbot, ctx, operator) -> None:
    import json

    from hall.services.catalog import import_catalog

    from ..conftest import SMALL_CATALOG

    data = json.loads(SMALL_CATALOG.read_text(encoding="utf-8"))
    data["items"][0]["name"] = "<b>A&B</b> 食品 <font size=100>经营</font>"
    data["items"][0]["conditions"][0] = "面积 < 20 & 距离 > 25 <script>"
    import_catalog(ctx, operator, json.dumps(data, ensure_ascii=False).encode(), "markup.json")
    page = CatalogPage(ctx)
    qtbot.addWidget(page)
    search(qtbot, page, "SAMR-001")
    text = page.details.toPlainText()
    assert "<b>A&B</b> 食品 <font size=100>经营</font>" in text
    assert "面积 < 20 & 距离 > 25 <script>" in text

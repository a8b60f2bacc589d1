"""Sample documents with plausible content, for the printing tests and the benchmark."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from hall.core.clock import HALL_ZONE
from hall.printing.data import (
    AppointmentSlip,
    CommitmentLetter,
    DecisionNotice,
    Issuer,
    License,
    OneCodeLine,
    OneCodeSheet,
    Receipt,
    ReceiptItem,
    ReceiptMaterial,
    Ticket,
)

BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
MARKUP_NAME = "<b>A&B</b> 公司 <font size=100>"
LONG_NAME = ("徐州市贾汪区" + "鑫隆泰昌盛兴源通达宏远金鼎恒丰聚福祥瑞佳和美新宇天辰海博嘉禾") * 6
LONG_NAME = LONG_NAME[:196] + "有限公司"  # 200 characters
assert len(LONG_NAME) == 200


def payload(length: int = 260, seed: int = 1) -> str:
    """A payload shaped like a signed one: ``HL1:`` and Base45 characters."""
    rnd = random.Random(seed)
    return "HL1:" + "".join(rnd.choice(BASE45) for _ in range(length - 4))


QR = payload()
QR_LONG = payload(640, seed=2)

ISSUER = Issuer(
    hall_name="徐州市贾汪区政务服务中心",
    hall_code="320305",
    counter="C01",
    clerk="张敏",
    phone="0516-87712345",
)
ACCEPTED = datetime(2026, 12, 1, 9, 30, tzinfo=HALL_ZONE)

_ITEMS = (  # code, name, department, mode, route, outcome
    ("SAMR-001", "食品经营许可（新办）", "区市场监督管理局", "实行告知承诺", "告知承诺",
     "当场办结"),
    ("WJW-012", "公共场所卫生许可", "区卫生健康委员会", "优化审批服务", "一般程序", "审查中"),
    ("ZJ-007", "户外广告设施设置许可", "区住房和城乡建设局", "审批改为备案", "备案", "已备案"),
    ("WL-003", "营业性演出许可", "区文化广电和旅游局", "直接取消审批", "告知", "已告知"),
)  # fmt: skip


def items(count: int) -> tuple[ReceiptItem, ...]:
    out = []
    for n in range(count):
        code, name, dept, mode, route, outcome = _ITEMS[n % len(_ITEMS)]
        out.append(
            ReceiptItem(
                code=f"{code}-{n + 1:02d}" if count > len(_ITEMS) else code,
                name=name,
                department=dept,
                mode=mode,
                route=route,
                outcome=outcome,
                promised_deadline=date(2026, 12, 1) + timedelta(days=3 + n),
                statutory_deadline=date(2026, 12, 29) + timedelta(days=n) if n % 4 != 3 else None,
                promised_provisional=n % 5 == 4,
                statutory_provisional=n % 5 == 4 and n % 4 != 3,
                accepted=mode != "直接取消审批",  # the applicant is told no permit is needed
            )
        )
    return tuple(out)


RECEIVED = (
    ReceiptMaterial("营业执照副本复印件", "数据核验", "已核验"),
    ReceiptMaterial("法定代表人身份证明", "纸质材料", "已收取", note="原件已核对"),
    ReceiptMaterial("经营场所使用证明（租赁合同）", "纸质材料", "已收取"),
    ReceiptMaterial("食品安全管理制度文本", "电子材料", "已收取"),
)
CHECKING = (  # verified by the hall with another department: nothing for the applicant
    ReceiptMaterial("食品安全管理人员考核合格证明", "部门核验", "核验中", note="区市场监管局"),
)
PENDING = (
    ReceiptMaterial(
        "从业人员健康证明", "纸质材料", "容缺待补", note="承诺补交", due=date(2026, 12, 15)
    ),
)


def receipt(**changes: object) -> Receipt:
    values: dict[str, object] = {
        "issuer": ISSUER,
        "number": "C01-20261201-0001",
        "applicant_name": "徐州市贾汪区味香居餐饮有限公司",
        "applicant_code": "91320305MA1N428243",
        "accepted_at": ACCEPTED,
        "items": items(3),
        "received": RECEIVED,
        "pending": PENDING,
        "checking": CHECKING,
        "qr": QR,
        "contact": "138****5678",
    }
    values.update(changes)
    return Receipt(**values)  # type: ignore[arg-type]


def letter(**changes: object) -> CommitmentLetter:
    values: dict[str, object] = {
        "issuer": ISSUER,
        "number": "C01-20261201-0001-SAMR-001",
        "case_number": "C01-20261201-0001",
        "applicant_name": "徐州市贾汪区味香居餐饮有限公司",
        "applicant_code": "91320305MA1N428243",
        "item_code": "SAMR-001",
        "item_name": "食品经营许可（新办）",
        "department": "徐州市贾汪区市场监督管理局",
        "legal_basis": (
            "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》第六条"
        ),
        "conditions": (
            "具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所，"
            "保持该场所环境整洁，并与有毒、有害场所以及其他污染源保持规定的距离；",
            "具有与经营的食品品种、数量相适应的经营设备或者设施，有相应的消毒、更衣、盥洗、"
            "采光、照明、通风、防腐、防尘、防蝇、防鼠、防虫、洗涤以及处理废水、存放垃圾和废弃物的设备或者设施；",
            "有专职或者兼职的食品安全管理人员和保证食品安全的规章制度；",
            "具有合理的设备布局和工艺流程，防止待加工食品与直接入口食品、原料与成品交叉污染。",
        ),
        "obligations": (
            "所填报的信息和提交的材料真实、准确、完整，不存在虚假内容；",
            "已经知晓告知的全部内容，现已符合上述许可条件；",
            "在取得许可后持续符合许可条件，并接受主管部门的核查和监督；",
            "愿意承担不实承诺、违反承诺的法律责任。",
        ),
        "verification": (
            "徐州市贾汪区市场监督管理局将在作出许可决定后30个工作日内对承诺内容进行核查"
            "（现场检查或书面核查）。"
        ),
        "consequences": (
            "经核查不符合许可条件的，责令限期整改；"
            "逾期不整改或整改后仍不符合条件的，依法撤销许可决定；",
            "申请人作出虚假承诺的，依法撤销许可决定，记入信用记录，"
            "并在信用修复前不得适用告知承诺方式；",
            "因虚假承诺给他人造成损失的，依法承担相应的法律责任。",
        ),
        "dated": date(2026, 12, 1),
        "qr": QR,
        "legal_representative": "李建国",
        "address": "徐州市贾汪区夏桥路18号",
        "contact": "138****5678",
        "verification_due": date(2027, 1, 14),
    }
    values.update(changes)
    return CommitmentLetter(**values)  # type: ignore[arg-type]


def license_(**changes: object) -> License:
    values: dict[str, object] = {
        "issuer": ISSUER,
        "title": "食品经营许可证",
        "number": "JY13203050012345",
        "holder": "徐州市贾汪区味香居餐饮有限公司",
        "holder_code": "91320305MA1N428243",
        "item_code": "SAMR-001",
        "item_name": "食品经营许可",
        "scope": ("热食类食品制售", "冷食类食品制售", "预包装食品（含冷藏冷冻食品）销售"),
        "authority": "徐州市贾汪区市场监督管理局",
        "issued_on": date(2026, 12, 1),
        "valid_from": date(2026, 12, 1),
        "valid_until": date(2031, 11, 30),
        "qr": QR,
        "legal_representative": "李建国",
        "address": "徐州市贾汪区夏桥路18号",
    }
    values.update(changes)
    return License(**values)  # type: ignore[arg-type]


def onecode(**changes: object) -> OneCodeSheet:
    values: dict[str, object] = {
        "issuer": ISSUER,
        "case_number": "C01-20261201-0001",
        "holder": "徐州市贾汪区味香居餐饮有限公司",
        "holder_code": "91320305MA1N428243",
        "licenses": (
            OneCodeLine(
                "食品经营许可证",
                "JY13203050012345",
                "徐州市贾汪区市场监督管理局",
                date(2026, 12, 1),
                date(2031, 11, 30),
                "有效",
            ),
            OneCodeLine(
                "公共场所卫生许可证",
                "贾卫公字〔2026〕第0088号",
                "徐州市贾汪区卫生健康委员会",
                date(2026, 12, 3),
                date(2030, 12, 2),
                "有效",
            ),
            OneCodeLine(  # numbered by the hall: item, counter, year, sequence
                "食品生产许可证",
                "SAMR-002-C01-2026-00001",
                "徐州市贾汪区市场监督管理局",
                date(2026, 12, 1),
                date(2031, 11, 30),
                "有效",
            ),
            OneCodeLine(
                "户外广告设施设置备案",
                "BA-2026-0315",
                "徐州市贾汪区住房和城乡建设局",
                date(2026, 12, 1),
                None,
                "",
            ),
        ),
        "issued_on": date(2026, 12, 3),
        "qr": QR,
    }
    values.update(changes)
    return OneCodeSheet(**values)  # type: ignore[arg-type]


def ticket(**changes: object) -> Ticket:
    values: dict[str, object] = {
        "hall_name": "徐州市贾汪区政务服务中心",
        "number": "A012",
        "category": "企业登记",
        "people_ahead": 7,
        "issued_at": datetime(2026, 12, 1, 9, 5, tzinfo=HALL_ZONE),
        "qr": payload(120, seed=3),
        "priority": "优先（老年人）",
        "note": "请留意大厅显示屏和语音叫号，过号请重新取号。",
    }
    values.update(changes)
    return Ticket(**values)  # type: ignore[arg-type]


def slip(**changes: object) -> AppointmentSlip:
    values: dict[str, object] = {
        "issuer": ISSUER,
        "number": "YY-20261203-0042",
        "day": date(2026, 12, 3),
        "slot": "09:00–09:30",
        "category": "食品经营许可",
        "applicant_name": "徐州市贾汪区味香居餐饮有限公司",
        "contact": "138****5678",
        "bring": ("营业执照副本", "法定代表人身份证原件", "经营场所租赁合同", "从业人员健康证明"),
        "qr": payload(200, seed=4),
        "booked_at": datetime(2026, 11, 28, 15, 12, tzinfo=HALL_ZONE),
        "notes": ("请提前10分钟到达大厅取号。", "如需取消预约，请提前一个工作日致电大厅。"),
    }
    values.update(changes)
    return AppointmentSlip(**values)  # type: ignore[arg-type]


def decision(**changes: object) -> DecisionNotice:
    values: dict[str, object] = {
        "issuer": ISSUER,
        "number": "C01-20261201-0001-MCT-001",
        "case_number": "C01-20261201-0001",
        "applicant_name": "徐州市贾汪区味香居餐饮有限公司",
        "applicant_code": "91320305MA1N428243",
        "item_code": "MCT-001",
        "item_name": "娱乐场所经营许可",
        "authority": "徐州市贾汪区文化广电和旅游局",
        "applied_on": date(2026, 12, 1),
        "decided_on": date(2026, 12, 9),
        "reason": "经现场核查，歌舞娱乐场所包厢内设有隔断，不符合《娱乐场所管理条例》的规定",
        "legal_basis": "《娱乐场所管理条例》第九条、第十六条",
        "qr": QR,
        "reviewer": "孙伟",
    }
    values.update(changes)
    return DecisionNotice(**values)  # type: ignore[arg-type]

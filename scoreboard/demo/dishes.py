"""Dish titles for the demo cooking contest, built from daylily (黄花, 金针) combinations.

Words: a *category* is one of the six cooking events (cold, hot, staple, snack, carving,
banquet); a *track* is the dish's tag (signature 名菜, innovative 创新菜, fusion 融合菜).
``titles(category, n, rng)`` gives ``n`` distinct Chinese titles for one enterprise.
"""

from __future__ import annotations

import itertools
import random

CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("cold", "凉菜", "Cold dishes"),
    ("hot", "热菜", "Hot dishes"),
    ("staple", "主食", "Staple food"),
    ("snack", "特色小吃", "Specialty snacks"),
    ("carving", "食材雕刻工艺", "Food carving"),
    ("banquet", "宴席", "Banquet"),
)

TRACKS: tuple[tuple[str, float], ...] = (("signature", 0.4), ("innovative", 0.35), ("fusion", 0.25))

_PATTERNS: dict[str, list[tuple[tuple[str, ...], ...]]] = {
    "cold": [
        (("凉拌", "炝拌", "老醋", "椒麻", "捞汁", "蒜泥", "葱油", "红油", "芥末"), ("黄花",),
         ("木耳", "豆腐丝", "鸡丝", "牛肉", "海蜇", "菠菜", "腐竹", "藕片", "苦苣", "金针菇", "猪耳", "鸭胗")),
        (("黄花", "金针"), ("鸡丝卷", "皮冻", "酱牛肉", "拌粉皮", "卷春饼", "水晶冻", "拌莜面", "豆腐卷")),
        (("凉拌黄花菜", "黄花拌三丝", "黄花什锦", "黄花蓑衣黄瓜"),),
    ],
    "hot": [
        (("黄花", "金针", "鲜黄花"), ("炒", "烧", "焖", "炖", "扒", "烩", "爆", "蒸", "煨"),
         ("肉丝", "羊肉", "土鸡", "海参", "鱼片", "虾仁", "牛柳", "排骨", "豆腐", "鸡蛋", "猪蹄", "鲈鱼", "五花肉",
          "羊排")),
        (("大同", "云州", "古城", "塞上"), ("黄花",), ("烧羊肉", "焖鸡", "扣肉", "佛跳墙", "狮子头", "烩菜", "酥鸡")),
    ],
    "staple": [
        (("黄花", "鲜黄花", "金针", "黄花肉丁", "黄花鸡蛋", "黄花三鲜", "黄花羊肉"),
         ("莜面窝窝", "莜面鱼鱼", "刀削面", "饺子", "包子", "烧卖", "黄糕", "炸糕", "手擀面", "焖饭", "馅饼",
          "荞面碗托", "花卷", "炒饭", "馄饨", "烙饼", "豆面抿豆")),
    ],
    "snack": [
        (("黄花", "金针", "鲜黄花", "黄花芝麻", "黄花香葱", "黄花玫瑰"),
         ("酥", "春卷", "油糕", "凉粉", "豆腐脑", "丸子", "酥饼", "糕", "粽子", "烧饼", "煎饼", "麻花", "羊杂割",
          "月饼", "糖糕", "锅盔")),
    ],
    "carving": [
        (("黄花仙子", "金针迎宾", "忘忧花开", "云冈飞天", "古城春色", "黄花丰收", "凤舞黄花", "龙腾大同", "萱草情深",
          "华严寺韵", "九龙壁", "花开富贵", "金凤朝阳", "塞北明珠", "黄花少女", "悬空寺"),
         ("", "（南瓜雕）", "（萝卜雕）", "（冬瓜雕）", "（果蔬雕）", "（面塑）")),
    ],
    "banquet": [
        (("", "大同", "云州", "古城", "萱草", "忘忧"),
         ("黄花全席", "黄花团宴", "黄花养生宴", "金针宴", "黄花家宴", "黄花迎宾宴", "黄花寿宴")),
    ],
}


def all_titles(category: str) -> list[str]:
    return sorted({"".join(parts) for pattern in _PATTERNS[category] for parts in itertools.product(*pattern)})


_ALL = {c: all_titles(c) for c, _, _ in CATEGORIES}


def titles(category: str, n: int, rng: random.Random) -> list[str]:
    """``n`` distinct titles of one category (fewer only if the category has fewer)."""
    return rng.sample(_ALL[category], min(n, len(_ALL[category])))


def track(rng: random.Random) -> str:
    return rng.choices([t for t, _ in TRACKS], [w for _, w in TRACKS])[0]

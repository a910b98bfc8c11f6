"""Names for the demo competitions: Datong enterprises, county teams and people.

Everything here is invented for the demo, in the style of the source article (Datong's 2023
Craftsman Cup): 36 enterprises in the cooking contest — hotels, restaurants, canteens and
daylily (黄花) producers — and 11 teams in the construction contest — the city's districts and
counties plus a builder. People's names are drawn from common northern Chinese surnames and
given-name characters; the same ``random.Random`` always draws the same names.
"""

from __future__ import annotations

import random
import re

# (Chinese name, plain English/pinyin rendering); the key is made from the English.
ENTERPRISES: tuple[tuple[str, str], ...] = (
    ("大同宾馆", "Datong Hotel"),
    ("云冈国际酒店", "Yungang International Hotel"),
    ("大同迎宾馆", "Datong Yingbin Guesthouse"),
    ("平城宾馆", "Pingcheng Hotel"),
    ("云州区黄花产业园餐饮部", "Yunzhou Daylily Industrial Park Catering"),
    ("凤临阁饭庄", "Fenglinge Restaurant"),
    ("同和大饭店", "Tonghe Grand Hotel"),
    ("红旗大饭店", "Hongqi Grand Hotel"),
    ("云冈美食城", "Yungang Food City"),
    ("古城铜火锅老店", "Old Town Copper Hotpot"),
    ("大同市第一人民医院职工食堂", "Datong First People's Hospital Staff Canteen"),
    ("晋能控股煤业集团职工餐厅", "Jinneng Coal Group Staff Restaurant"),
    ("山西大同大学餐饮服务中心", "Shanxi Datong University Catering Centre"),
    ("华林酒店", "Hualin Hotel"),
    ("魏都大酒店", "Weidu Hotel"),
    ("金地酒店", "Jindi Hotel"),
    ("中车大同公司职工食堂", "CRRC Datong Staff Canteen"),
    ("云州区忘忧农场餐厅", "Yunzhou Wangyou Farm Restaurant"),
    ("大同黄花集团餐饮公司", "Datong Daylily Group Catering"),
    ("三利黄花食品有限公司", "Sanli Daylily Foods"),
    ("萱草食品有限公司", "Xuancao Foods"),
    ("御河人家酒楼", "Yuhe Renjia Restaurant"),
    ("华严寺素斋馆", "Huayan Temple Vegetarian House"),
    ("鼓楼东街刀削面馆", "Gulou East Street Noodle House"),
    ("阳高县金针饭庄", "Yanggao Jinzhen Restaurant"),
    ("浑源凉粉老店", "Hunyuan Liangfen Old Shop"),
    ("广灵豆腐宴酒楼", "Guangling Tofu Feast Restaurant"),
    ("灵丘荞麦人家", "Lingqiu Buckwheat House"),
    ("左云莜面村", "Zuoyun Oat Noodle Village"),
    ("天镇宾馆", "Tianzhen Hotel"),
    ("新荣区农家乐餐厅", "Xinrong Farmhouse Restaurant"),
    ("大同市烹饪技工学校", "Datong Culinary Technical School"),
    ("大同市职工之家餐厅", "Datong Workers' Home Restaurant"),
    ("云冈石窟游客中心餐厅", "Yungang Grottoes Visitor Centre Restaurant"),
    ("古城四合院私房菜", "Old Town Courtyard Kitchen"),
    ("永和楼饭庄", "Yonghelou Restaurant"),
)

COUNTY_TEAMS: tuple[tuple[str, str, str], ...] = (
    ("pingcheng", "平城区", "Pingcheng District"),
    ("yungang", "云冈区", "Yungang District"),
    ("xinrong", "新荣区", "Xinrong District"),
    ("yunzhou", "云州区", "Yunzhou District"),
    ("yanggao", "阳高县", "Yanggao County"),
    ("tianzhen", "天镇县", "Tianzhen County"),
    ("guangling", "广灵县", "Guangling County"),
    ("lingqiu", "灵丘县", "Lingqiu County"),
    ("hunyuan", "浑源县", "Hunyuan County"),
    ("zuoyun", "左云县", "Zuoyun County"),
    ("datong-construction", "大同建工集团", "Datong Construction Group"),
)

SURNAMES = ("王李张刘赵郭杨武贾郝田高马梁薛乔闫白孙陈周吴徐胡朱何罗宋韩冯董程曹袁许苏吕魏侯孟"
            "史段雷常康任姚尹耿霍邢牛樊温")
MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊峰建国志文海东亮晓林永成宏瑞利民福贵"
FEMALE = "芳娜敏静丽艳娟霞秀英华慧巧美娥玲桂兰红梅琳雪婷燕萍丹洁云莉荣晶倩瑶"


def slug(text: str) -> str:
    """A key from an English name: 'Datong Hotel' → 'datong-hotel'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64]


def person_name(rng: random.Random, gender: str) -> str:
    chars = FEMALE if gender == "female" else MALE
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def people(rng: random.Random, genders: list[str]) -> list[str]:
    """One distinct name per gender given, in order."""
    seen: set[str] = set()
    out = []
    for g in genders:
        name = person_name(rng, g)
        while name in seen:
            name = person_name(rng, g)
        seen.add(name)
        out.append(name)
    return out

"""Vocabularies for data/generate_sample.py (plain tuples, no logic).

Everything here is ordered (tuples, not sets) so that the generator is
deterministic for a given seed.
"""

# (hanzi, pinyin, relative weight) - includes compound surnames.
SURNAMES = (
    ("王", "wang", 70), ("李", "li", 70), ("张", "zhang", 65), ("刘", "liu", 50),
    ("陈", "chen", 45), ("杨", "yang", 30), ("黄", "huang", 25), ("赵", "zhao", 25),
    ("吴", "wu", 20), ("周", "zhou", 20), ("徐", "xu", 15), ("孙", "sun", 15),
    ("马", "ma", 15), ("朱", "zhu", 12), ("胡", "hu", 12), ("郭", "guo", 12),
    ("何", "he", 10), ("林", "lin", 10), ("高", "gao", 10), ("罗", "luo", 10),
    ("郑", "zheng", 10), ("梁", "liang", 8), ("谢", "xie", 8), ("宋", "song", 7),
    ("唐", "tang", 7), ("许", "xu", 7), ("韩", "han", 7), ("冯", "feng", 6),
    ("邓", "deng", 6), ("曹", "cao", 6), ("彭", "peng", 5), ("曾", "zeng", 5),
    ("肖", "xiao", 5), ("田", "tian", 5), ("董", "dong", 5), ("潘", "pan", 4),
    ("袁", "yuan", 4), ("蔡", "cai", 4), ("蒋", "jiang", 4), ("叶", "ye", 4),
    ("程", "cheng", 4), ("魏", "wei", 4), ("苏", "su", 4), ("吕", "lv", 3),
    ("丁", "ding", 3), ("沈", "shen", 3), ("欧阳", "ouyang", 2), ("司马", "sima", 1),
    ("诸葛", "zhuge", 1), ("上官", "shangguan", 1),
)

# (hanzi, pinyin, gender tendency: m / f / n = neutral)
GIVEN_CHARS = (
    ("伟", "wei", "m"), ("敏", "min", "f"), ("静", "jing", "f"), ("丽", "li", "f"),
    ("强", "qiang", "m"), ("磊", "lei", "m"), ("军", "jun", "m"), ("洋", "yang", "n"),
    ("勇", "yong", "m"), ("艳", "yan", "f"), ("杰", "jie", "m"), ("娟", "juan", "f"),
    ("涛", "tao", "m"), ("明", "ming", "m"), ("超", "chao", "m"), ("秀", "xiu", "f"),
    ("霞", "xia", "f"), ("平", "ping", "n"), ("刚", "gang", "m"), ("芳", "fang", "f"),
    ("娜", "na", "f"), ("华", "hua", "n"), ("建", "jian", "m"), ("国", "guo", "m"),
    ("小", "xiao", "n"), ("晓", "xiao", "n"), ("文", "wen", "n"), ("宇", "yu", "m"),
    ("浩", "hao", "m"), ("欣", "xin", "f"), ("怡", "yi", "f"), ("婷", "ting", "f"),
    ("雪", "xue", "f"), ("佳", "jia", "n"), ("子", "zi", "n"), ("梓", "zi", "n"),
    ("涵", "han", "f"), ("轩", "xuan", "m"), ("博", "bo", "m"), ("鹏", "peng", "m"),
    ("飞", "fei", "m"), ("辉", "hui", "m"), ("玲", "ling", "f"), ("燕", "yan", "f"),
    ("红", "hong", "f"), ("梅", "mei", "f"), ("琳", "lin", "f"), ("颖", "ying", "f"),
    ("慧", "hui", "f"), ("嘉", "jia", "n"), ("俊", "jun", "m"), ("志", "zhi", "m"),
    ("海", "hai", "m"), ("东", "dong", "m"), ("春", "chun", "n"), ("丹", "dan", "f"),
    ("萍", "ping", "f"), ("凯", "kai", "m"), ("睿", "rui", "m"), ("诗", "shi", "f"),
    ("雨", "yu", "f"), ("思", "si", "n"), ("一", "yi", "n"), ("天", "tian", "m"),
    ("晨", "chen", "n"), ("阳", "yang", "m"), ("龙", "long", "m"), ("成", "cheng", "m"),
    ("斌", "bin", "m"), ("倩", "qian", "f"), ("蕾", "lei", "f"), ("瑶", "yao", "f"),
)

# characters that only sound natural as the first of two given-name characters
FIRST_ONLY = "小晓子梓一思嘉佳诗天建国志"

# Very common full names used for the namesake hard case:
# (surname, surname pinyin, given, given pinyin, gender)
COMMON_FULL_NAMES = (
    ("王", "wang", "伟", "wei", "M"), ("李", "li", "娜", "na", "F"),
    ("张", "zhang", "敏", "min", "F"), ("刘", "liu", "洋", "yang", "M"),
    ("王", "wang", "芳", "fang", "F"), ("张", "zhang", "伟", "wei", "M"),
    ("李", "li", "静", "jing", "F"), ("王", "wang", "秀英", "xiu ying", "F"),
)

# Simplified -> traditional for the characters used above and in addresses.
TRAD_PAIRS = (
    "张張 伟偉 陈陳 刘劉 杨楊 黄黃 赵趙 吴吳 孙孫 马馬 郑鄭 谢謝 许許 韩韓 冯馮 邓鄧 "
    "肖蕭 蒋蔣 叶葉 苏蘇 吕呂 欧歐 阳陽 诸諸 罗羅 静靜 丽麗 强強 军軍 艳艷 杰傑 涛濤 "
    "刚剛 华華 国國 晓曉 轩軒 鹏鵬 飞飛 辉輝 红紅 颖穎 东東 凯凱 诗詩 龙龍 区區 号號 "
    "门門 广廣 园園 楼樓 层層 单單 庆慶 宁寧 汉漢 长長 厦廈 业業 发發 设設 学學 "
    "兴興 开開 滨濱 纬緯 经經 桥橋 湾灣 乡鄉 镇鎮 书書 团團 务務 宾賓 馆館"
)

# (province, city, landline area code, local number length,
#  ((district, 6-digit resident-id area code), ...), city pinyin)
CITIES = (
    ("北京", "北京", "010", 8, (("朝阳区", "110105"), ("海淀区", "110108")), "Beijing"),
    ("上海", "上海", "021", 8, (("徐汇区", "310104"), ("浦东新区", "310115")), "Shanghai"),
    ("天津", "天津", "022", 8, (("和平区", "120101"), ("南开区", "120104")), "Tianjin"),
    ("重庆", "重庆", "023", 8, (("渝中区", "500103"), ("江北区", "500105")), "Chongqing"),
    ("广东", "广州", "020", 8, (("天河区", "440106"), ("越秀区", "440104")), "Guangzhou"),
    ("广东", "深圳", "0755", 8, (("南山区", "440305"), ("福田区", "440304")), "Shenzhen"),
    ("浙江", "杭州", "0571", 8, (("西湖区", "330106"), ("滨江区", "330108")), "Hangzhou"),
    ("浙江", "宁波", "0574", 8, (("鄞州区", "330212"), ("海曙区", "330203")), "Ningbo"),
    ("江苏", "南京", "025", 8, (("鼓楼区", "320106"), ("玄武区", "320102")), "Nanjing"),
    ("江苏", "苏州", "0512", 8, (("姑苏区", "320508"), ("吴中区", "320506")), "Suzhou"),
    ("四川", "成都", "028", 8, (("武侯区", "510107"), ("锦江区", "510104")), "Chengdu"),
    ("湖北", "武汉", "027", 8, (("武昌区", "420106"), ("江汉区", "420103")), "Wuhan"),
    ("陕西", "西安", "029", 8, (("雁塔区", "610113"), ("碑林区", "610103")), "Xi'an"),
    ("山东", "青岛", "0532", 8, (("市南区", "370202"), ("崂山区", "370212")), "Qingdao"),
    ("湖南", "长沙", "0731", 8, (("岳麓区", "430104"), ("芙蓉区", "430102")), "Changsha"),
    ("福建", "厦门", "0592", 7, (("思明区", "350203"), ("湖里区", "350206")), "Xiamen"),
    ("安徽", "合肥", "0551", 8, (("蜀山区", "340104"), ("包河区", "340111")), "Hefei"),
    ("河南", "郑州", "0371", 8, (("金水区", "410105"), ("二七区", "410103")), "Zhengzhou"),
    ("辽宁", "沈阳", "024", 8, (("和平区", "210102"), ("沈河区", "210103")), "Shenyang"),
)
MUNICIPALITIES = ("北京", "上海", "天津", "重庆")

ROADS = (
    "人民路", "中山路", "解放路", "建设路", "长江路", "学院路", "科技路", "新华路",
    "和平路", "文化路", "滨江大道", "高新大道", "创业路", "世纪大道", "东风路", "软件园路",
)

# China mobile prefixes that `phonenumbers` accepts for any 8-digit tail
# (174x is satellite and mostly invalid, so it is left out).
MOBILE_PREFIXES = (
    *(str(p) for p in range(130, 140)), "150", "151", "152", "153", "155", "156", "157",
    "158", "159", "166", "170", "171", "172", "173", "175", "176", "177", "178",
    *(str(p) for p in range(180, 190)), "191", "195", "198", "199",
)
PLACEHOLDER_MOBILE = "13800138000"

FREE_MAIL = ("qq.com", "163.com", "126.com", "gmail.com", "example.com")

# (hanzi, pinyin) core company names
COMPANY_CORES = (
    ("华创", "huachuang"), ("鼎盛", "dingsheng"), ("博远", "boyuan"), ("恒通", "hengtong"),
    ("瑞丰", "ruifeng"), ("新宇", "xinyu"), ("天辰", "tianchen"), ("中科", "zhongke"),
    ("远航", "yuanhang"), ("盛世", "shengshi"), ("智联", "zhilian"), ("云图", "yuntu"),
    ("金诺", "jinnuo"), ("海纳", "haina"), ("星河", "xinghe"), ("启明", "qiming"),
    ("凯达", "kaida"), ("宏图", "hongtu"), ("汇通", "huitong"), ("永安", "yongan"),
    ("嘉禾", "jiahe"), ("明德", "mingde"), ("卓越", "zhuoyue"), ("易达", "yida"),
    ("蓝海", "lanhai"), ("腾跃", "tengyue"), ("锐思", "ruisi"), ("九州", "jiuzhou"),
    ("同创", "tongchuang"), ("万方", "wanfang"), ("青禾", "qinghe"), ("立信", "lixin"),
)
# (hanzi, English, domain tag)
INDUSTRIES = (
    ("科技", "Technology", "tech"), ("信息技术", "Information Technology", "it"),
    ("电子", "Electronics", "elec"), ("机械", "Machinery", "mach"),
    ("贸易", "Trading", "trade"), ("生物医药", "Biopharma", "bio"),
    ("新材料", "New Materials", "nm"), ("智能装备", "Intelligent Equipment", "ie"),
    ("物流", "Logistics", "log"), ("网络科技", "Network Technology", "net"),
    ("咨询", "Consulting", "consult"), ("环保科技", "Environmental Technology", "eco"),
)
LEGAL_SUFFIXES = (
    ("有限公司", "Co., Ltd."), ("股份有限公司", "Corp., Ltd."),
    ("有限责任公司", "Co., Ltd."), ("集团有限公司", "Group Co., Ltd."),
)

TITLES = (
    "总经理", "副总经理", "采购经理", "采购专员", "销售总监", "技术总监", "工程师",
    "高级工程师", "项目经理", "行政主管", "财务经理", "董事长", "市场专员", "CEO", "CTO",
)

STAFF = (  # WeCom 添加人, (name, file tag)
    ("张丽", "zhangli"), ("王磊", "wanglei"), ("陈静", "chenjing"), ("刘强", "liuqiang"),
    ("赵敏", "zhaomin"), ("孙浩", "sunhao"), ("周婷", "zhouting"), ("吴军", "wujun"),
)
WECOM_TAGS = ("重要客户", "潜在客户", "已成交", "展会", "华东区", "华南区", "经销商", "VIP",
              "待跟进", "老客户")
WECOM_SOURCES = ("扫描二维码", "搜索手机号", "名片分享", "群聊", "其他")
EMOJI = ("😊", "🌸", "🍀", "⭐", "🌞", "🐱", "🔥", "💼", "🌈", "🎯")
NICKNAMES = ("阳光", "小鱼儿", "追风少年", "随遇而安", "向日葵", "Lucky", "Jason", "Amy",
             "微笑", "静待花开", "海阔天空", "A-专注采购", "~简单~", "Kevin", "云淡风轻")
WECOM_DESCS = ("展会认识", "老客户介绍", "有采购意向", "需要报价", "", "", "对接技术", "暂无需求")

FORM_IDS = ("expo-2024-signup", "contact-us", "product-trial", "webinar-1105", "price-inquiry")
CHANNELS = ("website", "mini_program", "official_account", "landing_page")
MESSAGES = ("想了解产品报价", "请联系我，谢谢", "我们需要批量采购，请尽快回复", "展会现场咨询",
            "能否提供样品？", "", "Please send me the catalogue.", "预约演示\n周三下午方便")
SHEET_NOTES = ("意向强", "已发资料", "", "", "需回访", "老客户", "展位A12", "要样品")

# Hand-kept spreadsheet layouts (header spellings from the SOURCES.md synonym table):
# (file stem, format, CSV encoding, sheet names, title row above the header or None,
#  old list? (shows the company a person used to work for), ((canonical, header), ...))
SHEET_TEMPLATES = (
    ("expo_2024_shanghai", "xlsx", "utf-8-sig", ("Day1", "Day2"), "2024上海工业博览会 客户登记表",
     False, (("name", "姓名"), ("phone", "手机号码"), ("email", "邮箱"), ("company", "公司名称"),
             ("title", "职务"), ("city", "城市"), ("note", "备注"))),
    ("sales_leads_2024", "xlsx", "utf-8-sig", ("华东", "华南", "其他"), None, False,
     (("name", "Name"), ("phone", "Mobile"), ("email", "ＥＭＡＩＬ"), ("company", "Company"),
      ("title", "Title"), ("province", "Province"), ("city", "City"), ("address", "Address"),
      ("note", "Notes"))),
    ("expo_2023_beijing", "xlsx", "utf-8-sig", ("登记表",), "2023北京国际智能制造展 观众登记", True,
     (("name", "客户姓名"), ("phone", "手机"), ("email", "电子邮箱"), ("company", "公司"),
      ("title", "职务"), ("city", "城市"), ("address", "地址"), ("note", "备注"))),
    ("visitors_2024q3", "csv", "utf-8", ("csv",), None, False,
     (("name", "联系人"), ("phone", "电话"), ("email", "E-mail"), ("company", "单位"),
      ("title", "职位"), ("province", "省份"), ("city", "城市"), ("address", "详细地址"),
      ("note", "Remark"))),
    ("dealer_contacts", "csv", "utf-8-sig", ("csv",), "经销商通讯录（内部资料）", False,
     (("name", "客户姓名"), ("phone", "联系电话"), ("email", "电子邮箱"), ("company", "公司"),
      ("title", "职位"), ("province", "省"), ("city", "市"), ("address", "联系地址"),
      ("note", "备注"))),
    ("expo_2023_guangzhou", "csv", "gb18030", ("csv",), None, True,
     (("name", "Contact"), ("phone", "ＴＥＬ"), ("email", "email"), ("company", "企业"),
      ("title", "TITLE"), ("province", "省份"), ("city", "城市"), ("address", "地址"),
      ("note", "备注"))),
)
WEB_JUNK_MESSAGES = ("测试", "test", "广告合作请联系", "你好")

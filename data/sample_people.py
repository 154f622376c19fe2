"""The true persons behind the synthetic sample, and the companies they work for.

A ``Population`` makes each person once, with the attributes every source copies from
(name, gender, birth date, a resident id with a valid check digit, phones, email,
address, employer). Phones, landlines, emails and id bodies are unique across the run,
so two rows share one only when a hard case means them to: that is what lets the
ground truth say which rows are the same person. Every ``CYCLE`` groups, ``make_group``
inserts one of each hard case (a family on one phone, namesakes, switchboard colleagues,
a job change, several WeCom owners, a placeholder phone).

Persons are plain ``SimpleNamespace`` records; the row writers read them and never
change them, except ``wxid``/``wx_staff``, which the WeCom writer fills in on first use.
"""
from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

import sample_vocab as V

COMPANY_POOL = 20_000  # recent companies a new person may join as a colleague
GIVEN_POOLS = {g: (tuple(c for c in V.GIVEN_CHARS if c[2] in ok),
                  tuple(c for c in V.GIVEN_CHARS if c[2] in ok and c[0] not in V.FIRST_ONLY))
               for g, ok in (("M", "mn"), ("F", "fn"))}  # (first character, second character)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CYCLE = 40  # every CYCLE groups of persons, one of each hard case at these offsets
SCHEDULE = {3: "family", 9: "namesake", 15: "switchboard", 21: "changed_company",
            27: "multi_owner", 33: "placeholder_phone"}
GROUP_LABELS = {"family": "family_shared_phone", "switchboard": "switchboard_phone",
                "namesake": "namesake", "changed_company": "changed_company"}


def id_check_digit(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a resident id."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


class Population:
    """Makes persons and companies from the generator's shared random stream ``r``.

    ``companies`` is the list new persons pick colleagues from; the row writers hold the
    same list to name a company in junk rows, so it is changed in place, never replaced.
    """

    def __init__(self, r, people: int):
        self.r, self.people = r, people
        self.pid_width = max(6, len(str(people)))
        self.used = {V.PLACEHOLDER_MOBILE}  # phones, landlines, emails, resident-id bodies
        self.companies = []
        self.n_persons = 0
        self.sur_cum = list(itertools.accumulate(w for *_, w in V.SURNAMES))

    def unique(self, make):
        value = make()
        while value in self.used:
            value = make()
        self.used.add(value)
        return value

    def mobile(self):
        r = self.r
        return self.unique(lambda: r.choice(V.MOBILE_PREFIXES) + f"{r.randrange(10**8):08d}")

    def landline(self, city):
        r, n = self.r, city[3] - 1
        return self.unique(lambda: f"{city[2]}-{r.randrange(2, 9)}{r.randrange(10**n):0{n}d}")

    def new_company(self, city):
        r = self.r
        core, core_py = r.choice(V.COMPANY_CORES)
        industry, industry_en, tag = r.choice(V.INDUSTRIES)
        suffix, suffix_en = r.choice(V.LEGAL_SUFFIXES)
        home = city if r.random() < 0.8 else r.choice(V.CITIES)
        company = SimpleNamespace(
            name=f"{home[1]}{core}{industry}{suffix}", short=core, city=home,
            english=f"{home[5]} {core_py.title()} {industry_en} {suffix_en}",
            domain=f"{core_py}{'-' + tag if r.random() < 0.5 else ''}."
                   f"{r.choice(('com', 'cn', 'com.cn'))}",
            switchboard=self.landline(home))
        if len(self.companies) < COMPANY_POOL:
            self.companies.append(company)
        else:  # a ring of recent companies keeps memory flat for big runs
            self.companies[r.randrange(COMPANY_POOL)] = company
        return company

    def email(self, sur_py, parts, birth, company):
        r = self.r
        given, initials = "".join(parts), "".join(p[0] for p in parts)
        if r.random() < 0.35:
            local, domain = r.choice((f"{given}.{sur_py}", f"{sur_py}{initials}")), company.domain
        else:
            local = r.choice((f"{given}.{sur_py}", f"{sur_py}{initials}{r.randrange(10, 99)}",
                              f"{sur_py}{given}{birth.year % 100:02d}",
                              str(r.randrange(10**7, 3 * 10**9)),
                              f"{sur_py}_{given}{r.randrange(999)}"))
            domain = "qq.com" if local.isdigit() else r.choice(V.FREE_MAIL)
        email = f"{local}@{domain}"
        while email in self.used:
            email = f"{local}{r.randrange(100, 9999)}@{domain}"
        self.used.add(email)
        return email

    def given_name(self, gender):
        r, (firsts, seconds) = self.r, GIVEN_POOLS[gender]
        first = r.choice(firsts)
        if first[0] not in V.FIRST_ONLY and r.random() < 0.3:
            return first[0], (first[1],)
        second = r.choice(seconds)
        while second == first:
            second = r.choice(seconds)
        return first[0] + second[0], (first[1], second[1])

    def new_person(self, name=None, gender=None, city=None):
        r = self.r
        self.n_persons += 1
        gender = gender or r.choice("MF")
        if name:
            sur, sur_py, giv, parts = name
        else:
            sur, sur_py, _ = r.choices(V.SURNAMES, cum_weights=self.sur_cum)[0]
            giv, parts = self.given_name(gender)
        city = city or r.choice(V.CITIES)
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=r.randrange(40 * 365))
        area = r.choice((city if r.random() < 0.6 else r.choice(V.CITIES))[4])[1]  # birthplace
        odd = gender == "M"  # 17th digit: odd for men, even for women
        body = self.unique(lambda: f"{area}{birth:%Y%m%d}{r.randrange(500) * 2 + odd:03d}")
        district = r.choice(city[4])[0]
        room = f"{r.randint(1, 30)}幢{r.randint(1, 28)}{r.randint(1, 4):02d}室"
        company = (r.choice(self.companies) if self.companies and r.random() < 0.25
                   else self.new_company(city))  # 25 %: a colleague of someone made earlier
        p = SimpleNamespace(
            pid=f"P{self.n_persons:0{self.pid_width}d}", sur=sur, sur_py=sur_py, giv=giv,
            giv_py="".join(parts), gender=gender, birth=birth, id_card=body + id_check_digit(body),
            mobile=self.mobile(), mobile2=self.mobile() if r.random() < 0.1 else "",
            tel=self.landline(city) if r.random() < 0.25 else "", prefer_tel=False,
            company=company, old_company=None, title=r.choice(V.TITLES), city=city,
            address=f"{district}{r.choice(V.ROADS)}{r.randint(1, 999)}号"
                    f"{room if r.random() < 0.6 else ''}",
            labels=[], forced=[], placeholder=False, wxid="", wx_staff=[])
        p.email = self.email(sur_py, parts, birth, company) if r.random() < 0.75 else ""
        return p

    def make_group(self, g, remaining):
        """One ordinary person, or the persons of one hard case. ``p.forced`` lists the
        sources a hard case must appear in for the case to show up in the sample."""
        r, case = self.r, SCHEDULE.get(g % CYCLE)
        if case in ("family", "namesake", "switchboard") and remaining < 2:
            case = None
        if case == "family":  # same surname, same address, one shared number
            a, gender = self.new_person(), r.choice("MF")
            b = self.new_person((a.sur, a.sur_py, *self.given_name(gender)), gender, a.city)
            b.address, b.mobile2 = a.address, ""
            if r.random() < 0.5:
                b.mobile = a.mobile  # the child gives the parent's mobile
            else:  # one home landline; b has no mobile of their own
                a.tel = b.tel = self.landline(a.city)
                a.prefer_tel, b.prefer_tel, b.mobile = True, True, ""
            group = [a, b]
        elif case == "namesake":  # same common name, nothing else in common
            sur, sur_py, giv, giv_py, gender = r.choice(V.COMMON_FULL_NAMES)
            cities = r.sample(V.CITIES, min(remaining, r.choice((2, 3, 3))))
            group = [self.new_person((sur, sur_py, giv, tuple(giv_py.split())), gender, c)
                     for c in cities]
        elif case == "switchboard":  # two colleagues both leave the company's main number
            first = self.new_person()
            group = [first, self.new_person(city=first.city)]
            company = self.new_company(first.city)
            for p in group:
                p.company, p.tel, p.prefer_tel = company, company.switchboard, True
        else:
            group = [self.new_person()]
            p = group[0]
            if case == "changed_company":  # the old exhibition list shows the former employer
                p.old_company = self.new_company(p.city)
                p.forced = ["spreadsheets:old", r.choice(("web_forms", "wechat"))]
            elif case == "multi_owner":
                p.forced = ["wechat", "wechat"]
            elif case == "placeholder_phone":
                p.placeholder, p.forced = True, ["web_forms"]
        for p in group:
            p.labels += [GROUP_LABELS[case]] if case in GROUP_LABELS else []
        return group

#!/usr/bin/env python3
"""Writes a synthetic OFAC SDN_ADVANCED.XML of a given size, for memory and speed benchmarks.

The real file (about 120 MB) cannot be kept in the repository. This one has the same layout
(DateOfIssue, ReferenceValueSets, Locations, IDRegDocuments, DistinctParties,
ProfileRelationships, SanctionsEntries) and the same kinds of parties, names, features and
documents, with random but deterministic content: the same seed gives the same bytes.

    python3 scripts/ofac_advanced_synth.py --out /tmp/sdn_advanced.xml --mb 120 --seed 7

Only the standard library is used.
"""

import argparse
import os
import random
import shutil
import tempfile

NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"

REFERENCE_SETS = """  <ReferenceValueSets>
    <AliasTypeValues>
      <AliasType ID="1400">A.K.A.</AliasType>
      <AliasType ID="1401">F.K.A.</AliasType>
      <AliasType ID="1402">N.K.A.</AliasType>
      <AliasType ID="1403">Name</AliasType>
    </AliasTypeValues>
    <CountryValues>
{countries}
    </CountryValues>
    <DetailReferenceValues>
      <DetailReference ID="91526">Male</DetailReference>
      <DetailReference ID="91527">Female</DetailReference>
    </DetailReferenceValues>
    <DetailTypeValues>
      <DetailType ID="1431">LOOKUP</DetailType>
      <DetailType ID="1432">TEXT</DetailType>
    </DetailTypeValues>
    <FeatureTypeValues>
      <FeatureType ID="8" FeatureTypeGroupID="1">Birthdate</FeatureType>
      <FeatureType ID="9" FeatureTypeGroupID="1">Place of Birth</FeatureType>
      <FeatureType ID="10" FeatureTypeGroupID="1">Nationality Country</FeatureType>
      <FeatureType ID="25" FeatureTypeGroupID="2">Location</FeatureType>
      <FeatureType ID="224" FeatureTypeGroupID="1">Gender</FeatureType>
      <FeatureType ID="504" FeatureTypeGroupID="1">Secondary sanctions risk:</FeatureType>
      <FeatureType ID="14" FeatureTypeGroupID="1">Website</FeatureType>
      <FeatureType ID="3" FeatureTypeGroupID="3">Vessel Flag</FeatureType>
      <FeatureType ID="2" FeatureTypeGroupID="3">Vessel Type</FeatureType>
      <FeatureType ID="344" FeatureTypeGroupID="1">Digital Currency Address - XBT</FeatureType>
      <FeatureType ID="345" FeatureTypeGroupID="1">Digital Currency Address - ETH</FeatureType>
    </FeatureTypeValues>
    <IDRegDocTypeValues>
      <IDRegDocType ID="1571">Passport</IDRegDocType>
      <IDRegDocType ID="1584">Tax ID No.</IDRegDocType>
      <IDRegDocType ID="1596">National ID No.</IDRegDocType>
      <IDRegDocType ID="1626">Vessel Registration Identification</IDRegDocType>
    </IDRegDocTypeValues>
    <ListValues><List ID="1550">SDN List</List></ListValues>
    <LocPartTypeValues>
      <LocPartType ID="1451">ADDRESS1</LocPartType>
      <LocPartType ID="1454">CITY</LocPartType>
    </LocPartTypeValues>
    <NamePartTypeValues>
      <NamePartType ID="1520">Last Name</NamePartType>
      <NamePartType ID="1521">First Name</NamePartType>
      <NamePartType ID="1525">Entity Name</NamePartType>
      <NamePartType ID="1526">Vessel Name</NamePartType>
      <NamePartType ID="1527">Aircraft Name</NamePartType>
    </NamePartTypeValues>
    <PartySubTypeValues>
      <PartySubType ID="1" PartyTypeID="3">Vessel</PartySubType>
      <PartySubType ID="2" PartyTypeID="3">Aircraft</PartySubType>
      <PartySubType ID="3" PartyTypeID="2">Unknown</PartySubType>
      <PartySubType ID="4" PartyTypeID="1">Unknown</PartySubType>
    </PartySubTypeValues>
    <PartyTypeValues>
      <PartyType ID="1">Individual</PartyType>
      <PartyType ID="2">Entity</PartyType>
      <PartyType ID="3">Transport</PartyType>
    </PartyTypeValues>
    <SanctionsTypeValues>
      <SanctionsType ID="1">Program</SanctionsType>
      <SanctionsType ID="3">Block</SanctionsType>
    </SanctionsTypeValues>
    <ScriptValues><Script ID="215" ScriptCode="Latn">Latin</Script></ScriptValues>
  </ReferenceValueSets>
"""

COUNTRIES = [
    ("KP", "Korea, North"), ("CN", "China"), ("RU", "Russia"), ("IR", "Iran"), ("SY", "Syria"),
    ("VE", "Venezuela"), ("CU", "Cuba"), ("AE", "United Arab Emirates"), ("TR", "Turkey"),
    ("MX", "Mexico"), ("CO", "Colombia"), ("LB", "Lebanon"), ("IQ", "Iraq"), ("BY", "Belarus"),
]
PROGRAMS = ["DPRK", "DPRK2", "DPRK3", "DPRK4", "CYBER2", "SDGT", "IRAN", "RUSSIA-EO14024",
            "SDNTK", "ILLICIT-DRUGS-EO14059", "GLOMAG", "VENEZUELA-EO13850"]
SYLLABLES = ["KIM", "PAK", "RI", "CHOE", "JONG", "SONG", "HYON", "AL", "HASSAN", "IVANOV",
             "PETROV", "ZHANG", "WANG", "LOPEZ", "GARCIA", "MOHAMMAD", "REZA", "NOVA", "TRANS",
             "OCEAN", "STAR", "GLOBAL", "TRADE", "TECH", "SILVER", "GOLD", "UNITED", "NORTH"]
FORMS = ["CO., LTD.", "LLC", "TRADING COMPANY", "GROUP", "CORPORATION", "S.A.", "JSC", "FZE"]
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def date_period(y, m, d, approximate=False, y2=None):
    """A DatePeriod as OFAC writes it: Start/End each with From/To."""
    if m is None:
        start, end = (y, 1, 1), ((y2 or y), 12, 31)
    else:
        start = end = (y, m, d)
    a = "true" if approximate else "false"
    ymd = lambda t: f"<Year>{t[0]}</Year><Month>{t[1]}</Month><Day>{t[2]}</Day>"
    return (
        '<DatePeriod CalendarTypeID="1" YearFixed="false" MonthFixed="false" DayFixed="false">'
        f'<Start Approximate="{a}" YearFixed="false" MonthFixed="false" DayFixed="false">'
        f"<From>{ymd(start)}</From><To>{ymd(start)}</To></Start>"
        f'<End Approximate="{a}" YearFixed="false" MonthFixed="false" DayFixed="false">'
        f"<From>{ymd(end)}</From><To>{ymd(end)}</To></End></DatePeriod>"
    )


class Ids:
    def __init__(self):
        self.n = 100000

    def next(self):
        self.n += 1
        return self.n


def party(rng, ids, fixed, locations, documents, entries):
    kind = rng.choices(["individual", "entity", "vessel", "aircraft"], [46, 46, 6, 2])[0]
    sub = {"individual": 4, "entity": 3, "vessel": 1, "aircraft": 2}[kind]
    identity = ids.next()
    out = [f'    <DistinctParty FixedRef="{fixed}">\n      <Comment />\n'
           f'      <Profile ID="{fixed}" PartySubTypeID="{sub}">\n'
           f'        <Identity ID="{identity}" FixedRef="{fixed}" Primary="true" False="false">\n']
    groups = []
    n_aliases = rng.randint(1, 6)
    for i in range(n_aliases):
        alias_type = 1403 if i == 0 else rng.choice([1400, 1400, 1400, 1401, 1402])
        low = "true" if i > 0 and rng.random() < 0.3 else "false"
        out.append(f'          <Alias FixedRef="{fixed}" AliasTypeID="{alias_type}" '
                   f'Primary="{"true" if i == 0 else "false"}" LowQuality="{low}">\n'
                   f'            <DocumentedName ID="{ids.next()}" FixedRef="{fixed}" DocNameStatusID="1">\n')
        if kind == "individual":
            parts = [(1520, rng.choice(SYLLABLES)),
                     (1521, " ".join(rng.choice(SYLLABLES).title() for _ in range(rng.randint(1, 2))))]
        else:
            ty = {"entity": 1525, "vessel": 1526, "aircraft": 1527}[kind]
            name = " ".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            if kind == "entity":
                name += " " + rng.choice(FORMS)
            parts = [(ty, name)]
        for ty, value in parts:
            g = ids.next()
            groups.append((g, ty))
            out.append('              <DocumentedNamePart>\n'
                       f'                <NamePartValue NamePartGroupID="{g}" ScriptID="215" '
                       f'ScriptStatusID="1" Acronym="false">{value}</NamePartValue>\n'
                       '              </DocumentedNamePart>\n')
        out.append('            </DocumentedName>\n          </Alias>\n')
    out.append('          <NamePartGroups>\n')
    for g, ty in groups:
        out.append(f'            <MasterNamePartGroup><NamePartGroup ID="{g}" NamePartTypeID="{ty}" /></MasterNamePartGroup>\n')
    out.append('          </NamePartGroups>\n        </Identity>\n')

    def feature(type_id, body):
        fid, vid = ids.next(), ids.next()
        out.append(f'        <Feature ID="{fid}" FeatureTypeID="{type_id}">\n'
                   f'          <FeatureVersion ID="{vid}" ReliabilityID="1560">\n'
                   f'            <Comment />\n            {body}\n          </FeatureVersion>\n'
                   f'          <IdentityReference IdentityID="{identity}" IdentityFeatureLinkTypeID="1" />\n'
                   '        </Feature>\n')
        return vid

    country = rng.randrange(len(COUNTRIES))
    loc = ids.next()
    vid = feature(25, f'<VersionLocation LocationID="{loc}" />')
    locations.append(
        f'    <Location ID="{loc}">\n'
        f'      <LocationCountry CountryID="{11000 + country}" CountryRelevanceID="1" />\n'
        '      <LocationPart LocPartTypeID="1451"><LocationPartValue Primary="true" LocPartValueTypeID="1" '
        f'LocPartValueStatusID="1"><Value>{rng.randint(1, 999)} {rng.choice(SYLLABLES).title()} Street</Value>'
        '</LocationPartValue></LocationPart>\n'
        '      <LocationPart LocPartTypeID="1454"><LocationPartValue Primary="true" LocPartValueTypeID="1" '
        f'LocPartValueStatusID="1"><Value>{rng.choice(SYLLABLES).title()}</Value></LocationPartValue></LocationPart>\n'
        f'      <FeatureVersionReference FeatureVersionID="{vid}" />\n'
        '    </Location>\n')
    if kind == "individual":
        for _ in range(rng.randint(1, 3)):
            y = rng.randint(1940, 2000)
            if rng.random() < 0.5:
                feature(8, date_period(y, rng.randint(1, 12), rng.randint(1, 28)))
            else:
                feature(8, date_period(y, None, None, approximate=rng.random() < 0.3,
                                       y2=y + rng.choice([0, 0, 2])))
        feature(224, f'<VersionDetail DetailTypeID="1431" DetailReferenceID="{rng.choice([91526, 91527])}" />')
        nloc = ids.next()
        feature(10, f'<VersionLocation LocationID="{nloc}" />')
        locations.append(f'    <Location ID="{nloc}"><LocationCountry CountryID="{11000 + country}" '
                         'CountryRelevanceID="1" /></Location>\n')
        for _ in range(rng.randint(0, 2)):
            documents.append(
                f'    <IDRegDocument ID="{ids.next()}" IDRegDocTypeID="{rng.choice([1571, 1596])}" '
                f'IdentityID="{identity}" IssuedBy-CountryID="{11000 + country}">\n'
                f'      <Comment />\n      <IDRegistrationNo>{rng.randint(10**7, 10**9)}</IDRegistrationNo>\n'
                '    </IDRegDocument>\n')
    elif kind == "vessel":
        feature(2, '<VersionDetail DetailTypeID="1432">Crude Oil Tanker</VersionDetail>')
        documents.append(
            f'    <IDRegDocument ID="{ids.next()}" IDRegDocTypeID="1626" IdentityID="{identity}">\n'
            f'      <Comment />\n      <IDRegistrationNo>IMO {rng.randint(1000000, 9999999)}</IDRegistrationNo>\n'
            '    </IDRegDocument>\n')
    else:
        feature(14, f'<VersionDetail DetailTypeID="1432">www.{rng.choice(SYLLABLES).lower()}{fixed}.example</VersionDetail>')
        documents.append(
            f'    <IDRegDocument ID="{ids.next()}" IDRegDocTypeID="1584" IdentityID="{identity}" '
            f'IssuedBy-CountryID="{11000 + country}">\n      <Comment />\n'
            f'      <IDRegistrationNo>{rng.randint(10**9, 10**11)}</IDRegistrationNo>\n    </IDRegDocument>\n')
    if rng.random() < 0.04:
        for _ in range(rng.randint(1, 8)):
            if rng.random() < 0.6:
                addr = "1" + "".join(rng.choice(B58) for _ in range(33))
                feature(344, f'<VersionDetail DetailTypeID="1432">{addr}</VersionDetail>')
            else:
                addr = "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))
                feature(345, f'<VersionDetail DetailTypeID="1432">{addr}</VersionDetail>')
    feature(504, '<VersionDetail DetailTypeID="1432">Secondary sanctions risk: section 1(b) of '
                 'Executive Order 13224, as amended by Executive Order 13886</VersionDetail>')
    out.append('      </Profile>\n    </DistinctParty>\n')
    progs = rng.sample(PROGRAMS, rng.randint(1, 2))
    y = rng.randint(1995, 2024)
    entries.append(
        f'    <SanctionsEntry ID="{fixed}" ProfileID="{fixed}" ListID="1550">\n'
        f'      <EntryEvent ID="{fixed}" EntryEventTypeID="1" LegalBasisID="1"><Date CalendarTypeID="1">'
        f'<Year>{y}</Year><Month>{rng.randint(1, 12)}</Month><Day>{rng.randint(1, 28)}</Day></Date><Comment /></EntryEvent>\n'
        + "".join(f'      <SanctionsMeasure ID="{ids.next()}" SanctionsTypeID="1"><Comment>{p}</Comment></SanctionsMeasure>\n'
                  for p in progs)
        + '    </SanctionsEntry>\n')
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--mb", type=float, default=120.0, help="approximate size in MB (10^6 bytes)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    ids = Ids()
    target = int(args.mb * 1_000_000)
    tmp = tempfile.mkdtemp(prefix="ofac_synth_")
    paths = {k: os.path.join(tmp, k) for k in ("locations", "documents", "parties", "entries")}
    files = {k: open(p, "w", encoding="utf-8") for k, p in paths.items()}
    written = 0
    fixed = 1000
    while written < target:
        locations, documents, entries = [], [], []
        text = party(rng, ids, fixed, locations, documents, entries)
        for k, chunk in (("parties", text), ("locations", "".join(locations)),
                         ("documents", "".join(documents)), ("entries", "".join(entries))):
            files[k].write(chunk)
            written += len(chunk.encode("utf-8"))
        fixed += 1
    for f in files.values():
        f.close()
    countries = "\n".join(f'      <Country ID="{11000 + i}" ISO2="{c}">{n}</Country>'
                          for i, (c, n) in enumerate(COUNTRIES))
    with open(args.out, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n'
                  f'<Sanctions xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
                  f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="{NS}">\n'
                  '  <DateOfIssue CalendarTypeID="1"><Year>2024</Year><Month>5</Month><Day>3</Day></DateOfIssue>\n')
        out.write(REFERENCE_SETS.format(countries=countries))
        for section, key in (("Locations", "locations"), ("IDRegDocuments", "documents"),
                             ("DistinctParties", "parties")):
            out.write(f"  <{section}>\n")
            with open(paths[key], encoding="utf-8") as f:
                shutil.copyfileobj(f, out)
            out.write(f"  </{section}>\n")
        out.write("  <ProfileRelationships />\n  <SanctionsEntries>\n")
        with open(paths["entries"], encoding="utf-8") as f:
            shutil.copyfileobj(f, out)
        out.write("  </SanctionsEntries>\n</Sanctions>\n")
    shutil.rmtree(tmp)
    print(f"{args.out}: {fixed - 1000} parties, {os.path.getsize(args.out)} bytes (seed {args.seed})")


if __name__ == "__main__":
    main()

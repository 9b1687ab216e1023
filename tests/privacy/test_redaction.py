"""Redaction of free text (survey/redaction.py) on a corpus of Swedish answers with fake personal data: none of
the planted identifiers survives, and the rest of the answer does."""
from __future__ import annotations

import re

import pytest

from survey.redaction import redact

# (answer, the identifiers planted in it). All of it is made up.
CORPUS = [
    ("Ring mig på 070-123 45 67 om ni vill veta mer.", ["070-123 45 67"]),
    ("Mitt nummer är 0701234567, hör av er.", ["0701234567"]),
    ("Nås på +46 70 123 45 67 eller +46701234567.", ["+46 70 123 45 67", "+46701234567"]),
    ("Hemtelefon 0251-123 45, jobbet 0251-59 87 00.", ["0251-123 45", "0251-59 87 00"]),
    ("Stockholmsnumret är 08-123 456 78 och fax 08/555 66 77.", ["08-123 456 78", "08/555 66 77"]),
    ("Ring (0251) 12345 på kvällen.", ["(0251) 12345"]),
    ("Utlandsnummer 0046 70 765 43 21 funkar också.", ["0046 70 765 43 21"]),
    ("Mitt personnummer är 19850312-1234 om ni behöver det.", ["19850312-1234"]),
    ("Pnr 850312-1234, min fru har 860415-2345.", ["850312-1234", "860415-2345"]),
    ("Jag är född 8503121234 och bor ensam.", ["8503121234"]),
    ("Pappa är över hundra: 120101+1234.", ["120101+1234"]),
    ("Skriv in 198503121234 i ärendet.", ["198503121234"]),
    ("Jag har samordningsnummer 850372-1239 sedan jag flyttade hit.", ["850372-1239"]),
    ("Samordningsnumret 19900161-4567 står på kortet.", ["19900161-4567"]),
    ("Mejla anna.svensson@exempel.se eller per_olsson+enkat@kommun.example.", ["anna.svensson@exempel.se",
                                                                               "per_olsson+enkat@kommun.example"]),
    ("Jag bor på Byvägen 12 i Älvdalen.", ["Byvägen 12"]),
    ("Grannen på Storgatan 3 B spelar hög musik.", ["Storgatan 3 B"]),
    ("Adressen är Gamla vägen 5a lgh 1102, 796 31 Älvdalen.", ["Gamla vägen 5a lgh 1102", "796 31"]),
    ("Det brinner ofta i soptunnan vid Kyrkbacken 7.", ["Kyrkbacken 7"]),
    ("Skicka till Box 123, Idre.", ["Box 123"]),
    ("Mopederna kör på Idrefjällsvägen 31 varje kväll.", ["Idrefjällsvägen 31"]),
    ("Bilen med regnummer ABC 123 står alltid där.", ["ABC 123"]),
    ("En vit bil, DEF12G, kör för fort.", ["DEF12G"]),
    ("Anna Lindkvist på hörnet säljer hembränt.", ["Anna Lindkvist"]),
    ("Kalle Karlsson och hans bror Nisse stjäl diesel.", ["Kalle Karlsson", "Nisse"]),
    ("Fråga Ingrid eller Sven-Erik Holmström, de vet.", ["Ingrid", "Holmström"]),
    ("Familjen Johansson har en hund som skäller.", ["Johansson"]),
    ("Eriksson på affären vet vem det är.", ["Eriksson"]),
    ("Maria Andersdotter blev rånad förra året.", ["Maria", "Andersdotter"]),
    ("Polisen Peter Nyberg var här en gång.", ["Peter Nyberg"]),
    ("Lars-Göran Persson kör skoter i byn.", ["Persson"]),
    ("Min granne heter Björn och han hotade mig.", ["Björn"]),
    ("Kontakta mig: Eva Berg, Byvägen 9, 070-987 65 43, eva.berg@exempel.se.",
     ["Eva Berg", "Byvägen 9", "070-987 65 43", "eva.berg@exempel.se"]),
    ("Jag heter Ahmed Hassan och bor på Skolgatan 14 A, tel 073 111 22 33.",
     ["Ahmed", "Hassan", "Skolgatan 14 A", "073 111 22 33"]),
    ("Min son Oscar (050312-4321) blev slagen vid Torget 2.", ["Oscar", "050312-4321", "Torget 2"]),
    ("PRIVAT-FRITEXT-MARKÖR: Ring mig gärna, jag bor på Byvägen 21 i Åsen.", ["Byvägen 21"]),
]

# Ordinary answers (and the parts around the identifiers) stay as they are.
KEPT = [
    "Vägen är dålig och gatlyktorna släcks för tidigt.",
    "Polisen syns för sällan här uppe, det är 8 mil till närmaste station.",
    "Ingen bryr sig om 40-skyltarna i Åsen.",
    "Mycket fylla och bråk under sportlovsveckorna 2019.",
    "Buskörning med epa-traktorer på kvällarna i Idre och Särna.",
    "PRIVAT-FRITEXT-MARKÖR: Min son blev slagen vid affären i Rot, vi anmälde aldrig.",
    "Tryggt och lugnt att bo i Älvdalen.",
]


@pytest.mark.parametrize("text, planted", CORPUS, ids=[c[0][:30] for c in CORPUS])
def test_no_planted_identifier_survives(text, planted):
    out = redact(text)
    for identifier in planted:
        assert identifier not in out, (identifier, out)
        # nor any long run of its digits (a number split differently is still the number)
        digits = re.sub(r"\D", "", identifier)
        if len(digits) >= 5:
            assert digits not in re.sub(r"\D", "", out), (identifier, out)
    assert re.search(r"\[(namn|telefon|personnummer|e-post|adress|regnr)\]", out)


def test_the_corpus_is_broad():
    planted = [p for _, ps in CORPUS for p in ps]
    assert len(CORPUS) >= 35 and len(planted) >= 50
    assert {"[telefon]", "[personnummer]", "[e-post]", "[adress]", "[namn]", "[regnr]"} <= {
        token for text, _ in CORPUS for token in re.findall(r"\[[a-z-]+\]", redact(text))}


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_answers_are_left_alone(text):
    assert redact(text) == text


def test_what_is_around_an_identifier_stays():
    assert redact("Jag bor på Byvägen 12 i Älvdalen.") == "Jag bor på [adress] i Älvdalen."
    assert redact("Ring 070-123 45 67, tack!") == "Ring [telefon], tack!"
    assert redact("") == "" and redact(None) == ""

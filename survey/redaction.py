"""Automatic redaction of personal data in free-text answers, for the staff view (staff/).

`redact(text)` replaces, in this order:
  e-post            name@example.se                                   → [e-post]
  personnummer      ÅÅMMDD-NNNN, ÅÅÅÅMMDDNNNN, with -, + or a space or nothing between, and samordningsnummer
                    (day + 60); also when the check digit is wrong (a typo is still a number of a person)
                                                                      → [personnummer]
  telefonnummer     Swedish numbers: 070-123 45 67, 0701234567, +46 70 123 45 67, 0046 70…, 08-123 456 78,
                    0251-123 45, (0251) 123 45; 7–12 digits grouped by spaces, dashes or slashes
                                                                      → [telefon]
  adresser          a street name ending in -vägen/-gatan/-gränd/-stigen/-backen/-torget/-allén/… (or "Gamla
                    vägen") followed by a house number and maybe a letter and lgh: "Byvägen 12",
                    "Storgatan 3 B", "Gamla vägen 5A lgh 1102"; postcodes "796 31"; "Box 123"
                                                                      → [adress]
  registreringsnr   ABC 123, ABC 12D                                 → [regnr]
  namn              a first name or surname from the list below (capitalised, as a whole word), a capitalised
                    word ending in -son/-sson/-dotter, and a capitalised word right after a first name
                    ("Anna Lindkvist")                               → [namn]

Limits (also in README): this is a safety net for staff, not anonymisation. It misses names that are not in
the list and not after a listed first name (rare or foreign names, nicknames, names written in lower case),
misspelt numbers and addresses (no house number, "vid affären"), and indirect identification: "grannen med
den röda ladan", "min son som är polis i byn" stay as written. It also over-redacts: words that are names
(Björn, Per, Ek, Berg) become [namn] even when they mean a bear or a mountain. Staff must still read with
care and never copy answers out of the staff view.
"""
from __future__ import annotations

import re

FIRST_NAMES = """
Agnes Agneta Aina Aino Alexandra Alice Alma Alva Amanda Amelia Anette Anita Ann Anna Annelie Anneli Annika Astrid
Barbro Berit Birgitta Britt Brita Camilla Carina Caroline Cecilia Charlotte Christina Dagmar Ebba Edith Elin
Elisabeth Ella Ellen Elsa Elsie Emelie Emilia Emma Erika Eva Felicia Frida Gerd Greta Gun Gunilla Gunnel Hanna
Hedvig Helena Helén Ingegerd Ingela Inger Ingrid Irene Isabelle Jenny Jessica Johanna Josefin Julia Karin Katarina
Kerstin Klara Kristina Laila Lena Linda Linnea Lisa Lovisa Lotta Louise Madeleine Maja Malin Margareta Maria Marie
Marianne Matilda Moa Monica Nathalie Nellie Nora Olivia Petra Rebecka Saga Sandra Sara Signe Siv Sofia Sofie Stina
Susanne Svea Therese Tilda Ulla Ulrika Vera Viktoria Vilma Wilma Yvonne Åsa Agda Elvira Ester Hilma Ingeborg Tyra
Adam Albin Alexander Alf Alfred Algot Anders Andreas Anton Arne Arvid Axel Bengt Bertil Björn Bo Carl Christer
Christian Daniel David Dennis Edvin Elias Elis Emil Erik Filip Folke Fredrik Gunnar Gustav Göran Gösta Hampus
Hans Harald Henrik Hugo Håkan Ingvar Isak Ivar Jakob Jan Jens Jesper Joakim Joel Johan Johannes Jonas Jonathan
Josef Karl Kent Kenneth Kjell Klas Krister Kurt Lars Lennart Leo Liam Linus Lucas Ludvig Magnus Malte Marcus
Martin Mats Mattias Melvin Mikael Nils Noah Ola Olle Olof Oliver Oscar Oskar Otto Patrik Per Peter Rasmus
Robert Roger Roland Rolf Rune Sebastian Simon Stefan Sten Stig Sture Sven Thomas Tobias Tommy Tomas Torbjörn Ture
Ulf Valter Viktor Vilgot Wilhelm William Åke Örjan Östen Lasse Kalle Pelle Janne Micke Jocke Nisse Olle Bosse
""".split()

SURNAMES = """
Andersson Johansson Karlsson Carlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Pettersson
Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson Olofsson Lindström Lindqvist Lindgren
Axelsson Berg Bergström Lundberg Lind Lundgren Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson
Forsberg Sjöberg Wallin Engström Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson Holm Wikström
Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg Arvidsson Löfgren Söderberg Nyberg Blomqvist Claesson
Nordström Mårtensson Lundström Viklund Björklund Eliasson Pålsson Berggren Sandström Lund Nordin Ström Åberg
Hermansson Ekström Holmgren Sundberg Hedlund Dahlberg Hellström Sjögren Abrahamsson Falk Martinsson Öberg
Andreasson Strömberg Månsson Åkesson Hansen Norberg Lindholm Dahl Sundström Jensen Ek Ahmed Ali Mohamed Hassan
Back Jers Holmqvist Wiberg Ljung Hedberg Lilja Åström Nyman Sjöstrand
""".split()

_NAME_WORDS = "|".join(sorted({re.escape(n) for n in FIRST_NAMES + SURNAMES}, key=len, reverse=True))
_FIRST = "|".join(sorted({re.escape(n) for n in FIRST_NAMES}, key=len, reverse=True))
_UPPER = "A-ZÅÄÖÉÜ"
_LOWER = "a-zåäöéüß"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Day 01–31, or 61–91 for a samordningsnummer; with the century (12 digits) or a -, + or space before the last
# four digits first; ten digits in a row only after the phone numbers (0701234567 is a mobile number).
_DATE = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
_PERSONNUMMER = re.compile(rf"(?<![\d-])(?:(?:19|20){_DATE}\s?[-+]?\s?\d{{4}}|{_DATE}\s?[-+ ]\s?\d{{4}})(?!\d)")
_PERSONNUMMER_BARE = re.compile(rf"(?<![\d-]){_DATE}\d{{4}}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)\s?46\s?\(?0?\)?[\s-]?\d{1,3}(?:[\s/-]?\d){5,9}(?!\d)"
                    r"|(?<![\w+])\(?0\d{1,3}\)?(?:[\s/-]?\d){5,9}(?!\d)")
_STREET_END = (r"(?:vägen|väg|gatan|gata|gränd|gränden|stigen|stig|backen|backe|torget|torg|allén|allé|leden|led|"
               r"slingan|slinga|platsen|plan|stranden|strand|vägs|gårdsvägen|ringen|bron|kajen|kroken|svängen|"
               r"liden|lien|udden|vreten|tået)")
_ADDRESS = re.compile(rf"\b(?:[{_UPPER}][{_LOWER}]+\s+)?(?:[{_UPPER}{_LOWER}][{_LOWER}]*)?"
                      rf"(?i:{_STREET_END})\s+\d{{1,4}}"
                      rf"(?:\s?[A-Z]|[a-z])?(?![{_LOWER}])(?:\s*,?\s*(?:lgh|lägenhet)\.?\s*\d{{1,5}})?"
                      r"|\b(?:Box|box)\s+\d{1,5}\b"
                      r"|\b\d{3}\s\d{2}(?=\s+[A-ZÅÄÖ])")
_PLATE = re.compile(r"\b[A-HJ-PR-UW-ZÅÄÖ]{3}\s?\d{2}[A-HJ-PR-UW-Z0-9]\b")
_NAME = re.compile(rf"\b(?:{_FIRST})(?:\s+[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?)?\b"
                   rf"|\b(?:{_NAME_WORDS})\b"
                   rf"|\b[{_UPPER}][{_LOWER}]+(?:sson|son|dotter)\b")

PATTERNS = [("[e-post]", _EMAIL), ("[personnummer]", _PERSONNUMMER), ("[telefon]", _PHONE),
            ("[personnummer]", _PERSONNUMMER_BARE), ("[adress]", _ADDRESS), ("[regnr]", _PLATE), ("[namn]", _NAME)]


def redact(text: str | None) -> str:
    """The text with personal data replaced by [e-post], [personnummer], [telefon], [adress], [regnr], [namn]."""
    if not text:
        return text or ""
    for token, pattern in PATTERNS:
        text = pattern.sub(token, text)
    return text

"""The data of Next.js's ``api-routes`` example: Star Wars people.

A ``_`` name is not a route: the route files import it as ``examples.api._people``.
"""

_FIELDS = ("id", "name", "height", "mass", "hair_color", "skin_color", "eye_color")
_ROWS = [
    ("1", "Luke Skywalker", "172", "77", "blond", "fair", "blue", "male"),
    ("2", "C-3PO", "167", "75", "n/a", "gold", "yellow", "n/a"),
    ("3", "R2-D2", "96", "32", "n/a", "white, blue", "red", "n/a"),
    ("4", "Darth Vader", "202", "136", "none", "white", "yellow", "male"),
    ("5", "Leia Organa", "150", "49", "brown", "light", "brown", "female"),
    ("6", "Owen Lars", "178", "120", "brown, grey", "light", "blue", "male"),
    ("7", "Beru Whitesun Lars", "165", "75", "brown", "light", "blue", "female"),
    ("8", "R5-D4", "97", "32", "n/a", "white, red", "red", "n/a"),
    ("9", "Biggs Darklighter", "183", "84", "black", "light", "brown", "male"),
    ("10", "Obi-Wan Kenobi", "182", "77", "auburn, white", "fair", "blue-gray", "male"),
]
#: Every field a string, the id too, keys in the order Next.js's data has them.
PEOPLE = [dict(zip((*_FIELDS, "gender"), row, strict=True)) for row in _ROWS]

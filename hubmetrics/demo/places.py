"""The demo's real places: districts, towns and villages, their settings, name words, postcodes."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    la: str
    fsm: float  # a typical town school's FSM percentage
    eal: float
    global_majority: float
    reach: float  # chance that a town school takes part in a year
    under: float  # how well FSM/SEND children are reached (1 = in proportion)


_NORTH = "North Northamptonshire"
_WEST = "West Northamptonshire"
_RUTLAND = "Rutland"

DISTRICTS: dict[str, District] = {
    "Corby": District(_NORTH, 27.0, 0.16, 0.10, 0.88, 0.5),
    "East Northamptonshire": District(_NORTH, 15.0, 0.06, 0.06, 0.84, 0.9),
    "Kettering": District(_NORTH, 19.0, 0.12, 0.12, 0.86, 0.85),
    "Wellingborough": District(_NORTH, 27.0, 0.15, 0.22, 0.86, 0.5),
    "Daventry": District(_WEST, 12.0, 0.06, 0.07, 0.82, 0.9),
    "Northampton": District(_WEST, 24.0, 0.22, 0.30, 0.88, 0.85),
    "South Northamptonshire": District(_WEST, 8.0, 0.04, 0.06, 0.72, 1.0),
    "Rutland": District(_RUTLAND, 10.0, 0.04, 0.05, 0.70, 1.0),
}


@dataclass(frozen=True)
class Place:
    name: str
    district: str
    lat: float
    lon: float
    outcodes: tuple[str, ...]
    rural: bool
    primaries: int
    secondaries: int = 0


def _p(
    name: str,
    district: str,
    lat: float,
    lon: float,
    outcodes: str,
    rural: bool,
    primaries: int,
    secondaries: int = 0,
) -> Place:
    return Place(name, district, lat, lon, tuple(outcodes.split()), rural, primaries, secondaries)


# The districts, by name.
CORBY, EAST_NORTHAMPTONSHIRE = "Corby", "East Northamptonshire"
KETTERING, WELLINGBOROUGH = "Kettering", "Wellingborough"
DAVENTRY, NORTHAMPTON = "Daventry", "Northampton"
SOUTH_NORTHAMPTONSHIRE, RUTLAND = "South Northamptonshire", "Rutland"
# Short forms of the districts, for the table of places.
_C, _EN, _K, _W = CORBY, EAST_NORTHAMPTONSHIRE, KETTERING, WELLINGBOROUGH
_D, _N, _SN, _R = DAVENTRY, NORTHAMPTON, SOUTH_NORTHAMPTONSHIRE, RUTLAND

PLACES: tuple[Place, ...] = (
    _p("Corby", _C, 52.488, -0.701, "NN17 NN18", False, 16, 4),
    _p("Weldon", _C, 52.506, -0.637, "NN17", True, 1),
    _p("Gretton", _C, 52.541, -0.676, "NN17", True, 1),
    _p("Cottingham", _C, 52.503, -0.757, "LE16", True, 1),
    _p("Stanion", _C, 52.467, -0.646, "NN14", True, 1),
    _p("Kettering", _K, 52.398, -0.727, "NN15 NN16", False, 17, 3),
    _p("Desborough", _K, 52.441, -0.822, "NN14", False, 3, 1),
    _p("Rothwell", _K, 52.422, -0.802, "NN14", False, 3, 1),
    _p("Burton Latimer", _K, 52.364, -0.679, "NN15", False, 3),
    _p("Barton Seagrave", _K, 52.381, -0.699, "NN15", False, 2),
    _p("Broughton", _K, 52.373, -0.771, "NN14", True, 1),
    _p("Geddington", _K, 52.437, -0.684, "NN14", True, 1),
    _p("Mawsley", _K, 52.377, -0.808, "NN14", True, 1),
    _p("Rushton", _K, 52.442, -0.768, "NN14", True, 1),
    _p("Wellingborough", _W, 52.302, -0.694, "NN8", False, 16, 3),
    _p("Earls Barton", _W, 52.264, -0.752, "NN6", True, 2),
    _p("Finedon", _W, 52.339, -0.654, "NN9", True, 2),
    _p("Irchester", _W, 52.281, -0.648, "NN29", True, 1),
    _p("Wollaston", _W, 52.259, -0.672, "NN29", True, 1, 1),
    _p("Bozeat", _W, 52.222, -0.672, "NN29", True, 1),
    _p("Great Doddington", _W, 52.270, -0.713, "NN29", True, 1),
    _p("Rushden", _EN, 52.290, -0.600, "NN10", False, 8, 2),
    _p("Higham Ferrers", _EN, 52.306, -0.590, "NN10", False, 2),
    _p("Irthlingborough", _EN, 52.326, -0.612, "NN9", False, 3),
    _p("Raunds", _EN, 52.344, -0.539, "NN9", True, 3, 1),
    _p("Thrapston", _EN, 52.397, -0.537, "NN14", True, 2),
    _p("Oundle", _EN, 52.481, -0.469, "PE8", True, 2, 1),
    _p("King's Cliffe", _EN, 52.561, -0.516, "PE8", True, 1),
    _p("Brigstock", _EN, 52.457, -0.610, "NN14", True, 1),
    _p("Ringstead", _EN, 52.366, -0.553, "NN14", True, 1),
    _p("Woodford", _EN, 52.383, -0.580, "NN14", True, 1),
    _p("Nassington", _EN, 52.553, -0.455, "PE8", True, 1),
    _p("Stanwick", _EN, 52.330, -0.566, "NN9", True, 1),
    _p("Northampton", _N, 52.237, -0.895, "NN1", False, 5, 1),
    _p("Abington", _N, 52.243, -0.862, "NN1", False, 8, 1),
    _p("Kingsthorpe", _N, 52.268, -0.899, "NN2", False, 9, 2),
    _p("Weston Favell", _N, 52.253, -0.830, "NN3", False, 9, 2),
    _p("Far Cotton", _N, 52.221, -0.897, "NN4", False, 5),
    _p("Hunsbury", _N, 52.206, -0.925, "NN4", False, 6, 1),
    _p("Wootton", _N, 52.199, -0.879, "NN4", False, 4, 1),
    _p("Duston", _N, 52.243, -0.945, "NN5", False, 8, 1),
    _p("St James", _N, 52.236, -0.917, "NN5", False, 5),
    _p("Daventry", _D, 52.257, -1.162, "NN11", False, 7, 2),
    _p("Long Buckby", _D, 52.304, -1.080, "NN6", True, 1),
    _p("Moulton", _D, 52.290, -0.855, "NN3", True, 2, 1),
    _p("Brixworth", _D, 52.331, -0.904, "NN6", True, 1),
    _p("Woodford Halse", _D, 52.163, -1.210, "NN11", True, 1),
    _p("Crick", _D, 52.347, -1.136, "NN6", True, 1),
    _p("Weedon Bec", _D, 52.231, -1.083, "NN7", True, 1),
    _p("Guilsborough", _D, 52.359, -0.993, "NN6", True, 1, 1),
    _p("Spratton", _D, 52.321, -0.948, "NN6", True, 1),
    _p("Boughton", _D, 52.286, -0.882, "NN2", True, 1),
    _p("Byfield", _D, 52.178, -1.243, "NN11", True, 1),
    _p("West Haddon", _D, 52.342, -1.077, "NN6", True, 1),
    _p("Towcester", _SN, 52.134, -0.989, "NN12", False, 3, 1),
    _p("Brackley", _SN, 52.032, -1.147, "NN13", False, 4, 1),
    _p("Roade", _SN, 52.161, -0.897, "NN7", True, 1, 1),
    _p("Deanshanger", _SN, 52.047, -0.885, "MK19", True, 1),
    _p("Silverstone", _SN, 52.088, -1.028, "NN12", True, 1),
    _p("Bugbrooke", _SN, 52.209, -1.013, "NN7", True, 1, 1),
    _p("Hackleton", _SN, 52.181, -0.828, "NN7", True, 1),
    _p("Blisworth", _SN, 52.174, -0.941, "NN7", True, 1),
    _p("Potterspury", _SN, 52.080, -0.893, "NN12", True, 1),
    _p("Old Stratford", _SN, 52.061, -0.862, "MK19", True, 1),
    _p("Paulerspury", _SN, 52.098, -0.940, "NN12", True, 1),
    _p("Greens Norton", _SN, 52.146, -1.025, "NN12", True, 1),
    _p("Kislingbury", _SN, 52.231, -0.979, "NN7", True, 1),
    _p("Yardley Hastings", _SN, 52.205, -0.737, "NN7", True, 1),
    _p("Syresham", _SN, 52.069, -1.089, "NN13", True, 1),
    _p("Helmdon", _SN, 52.091, -1.142, "NN13", True, 1),
    _p("Oakham", _R, 52.670, -0.728, "LE15", True, 3, 1),
    _p("Uppingham", _R, 52.588, -0.722, "LE15", True, 1, 1),
    _p("Cottesmore", _R, 52.713, -0.665, "LE15", True, 1),
    _p("Ketton", _R, 52.628, -0.552, "PE9", True, 1),
    _p("Empingham", _R, 52.666, -0.596, "LE15", True, 1),
    _p("Ryhall", _R, 52.687, -0.468, "PE9", True, 1),
    _p("Langham", _R, 52.693, -0.752, "LE15", True, 1),
    _p("Edith Weston", _R, 52.638, -0.635, "LE15", True, 1),
    _p("Great Casterton", _R, 52.670, -0.519, "PE9", True, 1),
    _p("Whissendine", _R, 52.719, -0.773, "LE15", True, 1),
    _p("Market Overton", _R, 52.736, -0.683, "LE15", True, 1),
)
PLACE_BY_NAME = {p.name: p for p in PLACES}

# Settings other than primary and secondary schools: (place, phase), state-funded.
OTHER_SETTINGS: tuple[tuple[str, str], ...] = (
    *(
        (p, "nursery")
        for p in (
            "Corby",
            "Corby",
            "Abington",
            "Kingsthorpe",
            "Far Cotton",
            "St James",
            "Kettering",
            "Wellingborough",
            "Rushden",
            "Daventry",
        )
    ),
    *(
        (p, "special")
        for p in (
            "Kingsthorpe",
            "Duston",
            "Weston Favell",
            "Abington",
            "Corby",
            "Kettering",
            "Kettering",
            "Wellingborough",
            "Rushden",
            "Daventry",
        )
    ),
    *((p, "alternative_provision") for p in ("Northampton", "St James", "Corby", "Kettering")),
    *((p, "post16") for p in ("Northampton", "Kettering", "Wellingborough")),
    *((p, "middle") for p in ("Oundle", "King's Cliffe", "Thrapston")),
    *((p, "all_through") for p in ("Hunsbury", "Corby")),
)

# Independent schools: (place, phase, fewest pupils, most pupils).
INDEPENDENT: tuple[tuple[str, str, int, int], ...] = (
    ("Northampton", "secondary", 700, 900),
    ("Abington", "all_through", 500, 800),
    ("Duston", "primary", 150, 250),
    ("Kingsthorpe", "special", 40, 80),
    ("Oundle", "secondary", 1000, 1150),
    ("Uppingham", "secondary", 750, 850),
    ("Oakham", "all_through", 1000, 1100),
    ("Wellingborough", "all_through", 700, 900),
    ("Kettering", "primary", 200, 300),
    ("Brackley", "primary", 120, 200),
    ("Towcester", "secondary", 300, 450),
    ("Guilsborough", "primary", 100, 180),
)

NAME_WORDS = (
    "Brookfield Meadowside Willowbrook Oakfield Castlefields Parkside Hillcrest Orchard "
    "Beechwood Hazelwood Riverside Spinney Kingfisher Heronsgate Larkrise Rowan Chestnut "
    "Elmhurst Foxglove Bluebell Ridgeway Millbrook Greenacres Windmill Cedar Holly Juniper "
    "Limetree Poplar Primrose Sycamore Thistle Woodland Fernhill Stonebridge Mayfield Fairfield "
    "Highfield Longmead Northfield Southfield Westfield Eastfield Brookside Lakeside Hillside "
    "Glebe Kestrel Skylark Nightingale Swallow Otterbrook Badger Copperfield Wrenfield "
    "Lavender Hawthorn Acorn Silverdale Meadowbank"
).split()


def random_postcode(rng: random.Random, outcode: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{outcode} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"

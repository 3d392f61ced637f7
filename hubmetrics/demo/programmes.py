"""The whole demo generator: every partner's programmes, run year by year."""

from __future__ import annotations

from hubmetrics.demo.arts_and_education import ArtsAndEducationProgrammes
from hubmetrics.demo.community import CommunityProgrammes
from hubmetrics.demo.dates import CURRENT_YEAR, YEARS, year_of
from hubmetrics.demo.generator import Year, start_of
from hubmetrics.demo.music_services import MusicServiceProgrammes


class DemoGenerator(MusicServiceProgrammes, ArtsAndEducationProgrammes, CommunityProgrammes):
    """Makes the activity rows of every partner, year by year, with one random stream."""

    def run(self) -> None:
        for index, year in enumerate(YEARS):
            self.y = Year(index, year)
            self.choose_engaged()
            for school in self.y.engaged:
                self.home_service(school)
            self.lead_centrally()
            self.welland_centre()
            self.brass()
            self.school_partners()
            self.rock_school()
            self.jazz()
            self.soundlab()
            self.opera()
            self.tiny_tunes()
            self.choral()
            self.corby_sound()
            self.bhangra()
            self.folk()
            self.gospel()
            self.college()
            self.university()
            self.send_sounds()
            self.libraries()
            self.youth_beats()
            self.fill_gaps()
        self.unknown_urns()

    def unknown_urns(self) -> None:
        """Two rows with a URN not in the schools list: a typo and a school opened since."""
        urns = {s.urn for s in self.schools}
        typo_rows = [
            r for r in self.rows["NVBT"] if r["school_urn"] and year_of(start_of(r)) == 2024
        ]
        for row in typo_rows:
            text = str(row["school_urn"])
            swapped = int(text[:-2] + text[-1] + text[-2])
            if swapped not in urns:
                row["school_urn"] = swapped
                break
        new_rows = [
            r
            for r in self.rows["SOUNDLAB-NN"]
            if r["school_urn"] and year_of(start_of(r)) == CURRENT_YEAR
        ]
        new_urn = next(u for u in range(990_001, 999_999) if u not in urns)
        new_rows[0]["school_urn"] = new_urn

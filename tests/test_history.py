"""history() (SPEC §8): settings of the history."""

from __future__ import annotations

import pytest

from segmenter_pme import Settings, SettingsError


def test_history_settings_round_trip_through_parametres():
    table = Settings().to_table()
    values = dict(zip(table["Paramètre"], table["Valeur"]))
    assert values["periode_historique"] == "trimestre"
    assert values["nombre_periodes"] == 8
    assert values["fenetre_campagne"] == 30
    rows = [(k, v) for k, v in values.items()]
    rows = [(k, {"periode_historique": "Mensuel", "nombre_periodes": "12", "fenetre_campagne": "45",
                 "signal_croissance": "25 %", "signal_ca_par_client": "2,5"}.get(k, v)) for k, v in rows]
    s = Settings.from_table(rows)
    assert (s.periode_historique, s.nombre_periodes, s.fenetre_campagne) == ("mois", 12, 45)
    assert (s.signal_croissance, s.signal_ca_par_client) == (25.0, 2.5)


@pytest.mark.parametrize("key,value", [("periode_historique", "semaine"), ("nombre_periodes", "0"),
                                       ("fenetre_campagne", "-3")])
def test_bad_history_settings_are_a_french_message(key, value):
    with pytest.raises(SettingsError) as err:
        Settings.from_table([(key, value, 7)])
    assert "Paramètres" in err.value.message

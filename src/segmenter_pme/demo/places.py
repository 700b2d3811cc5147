"""Where the demo clients are: real communes with their postal code and département, and the
telephone numbers of each zone."""

from __future__ import annotations

# (commune, code postal, département, weight). Real postal codes; the weight is a rough
# share of SME clients so that big cities dominate as in a real file. Covers all 18
# regions, Corsica (200xx/201xx → 2A, 202xx → 2B), the five DROM, arrondissements of
# Paris/Lyon/Marseille, and one cp_exceptions.csv commune whose prefix is not its département.
COMMUNES: tuple[tuple[str, str, str, int], ...] = (
    # Île-de-France
    ("Paris", "75001", "75", 4), ("Paris", "75008", "75", 6), ("Paris", "75011", "75", 5),
    ("Paris", "75015", "75", 5), ("Paris", "75017", "75", 4), ("Paris", "75020", "75", 3),
    ("Boulogne-Billancourt", "92100", "92", 3), ("Nanterre", "92000", "92", 2),
    ("Saint-Denis", "93200", "93", 2), ("Montreuil", "93100", "93", 2), ("Versailles", "78000", "78", 2),
    ("Créteil", "94000", "94", 2), ("Vitry-sur-Seine", "94400", "94", 1), ("Argenteuil", "95100", "95", 1),
    ("Cergy", "95000", "95", 1), ("Évry-Courcouronnes", "91000", "91", 1), ("Massy", "91300", "91", 1),
    ("Meaux", "77100", "77", 1), ("Melun", "77000", "77", 1), ("Paray-Vieille-Poste", "94390", "91", 1),
    # Hauts-de-France
    ("Lille", "59000", "59", 4), ("Roubaix", "59100", "59", 2), ("Tourcoing", "59200", "59", 1),
    ("Dunkerque", "59140", "59", 1), ("Valenciennes", "59300", "59", 1), ("Amiens", "80000", "80", 2),
    ("Beauvais", "60000", "60", 1), ("Compiègne", "60200", "60", 1), ("Arras", "62000", "62", 1),
    ("Calais", "62100", "62", 1), ("Boulogne-sur-Mer", "62200", "62", 1), ("Saint-Quentin", "02100", "02", 1),
    ("Laon", "02000", "02", 1),
    # Grand Est
    ("Strasbourg", "67000", "67", 4), ("Mulhouse", "68100", "68", 2), ("Colmar", "68000", "68", 1),
    ("Metz", "57000", "57", 2), ("Thionville", "57100", "57", 1), ("Nancy", "54000", "54", 2),
    ("Reims", "51100", "51", 2), ("Châlons-en-Champagne", "51000", "51", 1), ("Troyes", "10000", "10", 1),
    ("Charleville-Mézières", "08000", "08", 1), ("Épinal", "88000", "88", 1), ("Chaumont", "52000", "52", 1),
    ("Bar-le-Duc", "55000", "55", 1),
    # Normandie
    ("Rouen", "76000", "76", 3), ("Le Havre", "76600", "76", 2), ("Dieppe", "76200", "76", 1),
    ("Caen", "14000", "14", 2), ("Lisieux", "14100", "14", 1), ("Cherbourg-en-Cotentin", "50100", "50", 1),
    ("Saint-Lô", "50000", "50", 1), ("Évreux", "27000", "27", 1), ("Alençon", "61000", "61", 1),
    # Bretagne
    ("Rennes", "35000", "35", 3), ("Saint-Malo", "35400", "35", 1), ("Brest", "29200", "29", 2),
    ("Quimper", "29000", "29", 1), ("Lorient", "56100", "56", 1), ("Vannes", "56000", "56", 1),
    ("Saint-Brieuc", "22000", "22", 1), ("Lannion", "22300", "22", 1),
    # Pays de la Loire
    ("Nantes", "44000", "44", 4), ("Saint-Nazaire", "44600", "44", 1), ("Angers", "49000", "49", 2),
    ("Cholet", "49300", "49", 1), ("Le Mans", "72000", "72", 2), ("Laval", "53000", "53", 1),
    ("La Roche-sur-Yon", "85000", "85", 1), ("Les Sables-d'Olonne", "85100", "85", 1),
    # Centre-Val de Loire
    ("Orléans", "45000", "45", 2), ("Montargis", "45200", "45", 1), ("Tours", "37000", "37", 2),
    ("Bourges", "18000", "18", 1), ("Blois", "41000", "41", 1), ("Chartres", "28000", "28", 1),
    ("Dreux", "28100", "28", 1), ("Châteauroux", "36000", "36", 1),
    # Bourgogne-Franche-Comté
    ("Dijon", "21000", "21", 2), ("Beaune", "21200", "21", 1), ("Besançon", "25000", "25", 2),
    ("Montbéliard", "25200", "25", 1), ("Belfort", "90000", "90", 1), ("Chalon-sur-Saône", "71100", "71", 1),
    ("Mâcon", "71000", "71", 1), ("Nevers", "58000", "58", 1), ("Auxerre", "89000", "89", 1),
    ("Sens", "89100", "89", 1), ("Vesoul", "70000", "70", 1), ("Lons-le-Saunier", "39000", "39", 1),
    # Nouvelle-Aquitaine
    ("Bordeaux", "33000", "33", 4), ("Mérignac", "33700", "33", 1), ("Pessac", "33600", "33", 1),
    ("Arcachon", "33120", "33", 1), ("Limoges", "87000", "87", 2), ("Poitiers", "86000", "86", 1),
    ("La Rochelle", "17000", "17", 2), ("Pau", "64000", "64", 1), ("Bayonne", "64100", "64", 1),
    ("Biarritz", "64200", "64", 1), ("Angoulême", "16000", "16", 1), ("Cognac", "16100", "16", 1),
    ("Niort", "79000", "79", 1), ("Périgueux", "24000", "24", 1), ("Bergerac", "24100", "24", 1),
    ("Agen", "47000", "47", 1), ("Mont-de-Marsan", "40000", "40", 1), ("Brive-la-Gaillarde", "19100", "19", 1),
    ("Tulle", "19000", "19", 1), ("Guéret", "23000", "23", 1),
    # Occitanie
    ("Toulouse", "31000", "31", 4), ("Montpellier", "34000", "34", 3), ("Béziers", "34500", "34", 1),
    ("Sète", "34200", "34", 1), ("Nîmes", "30000", "30", 2), ("Alès", "30100", "30", 1),
    ("Perpignan", "66000", "66", 2), ("Narbonne", "11100", "11", 1), ("Carcassonne", "11000", "11", 1),
    ("Albi", "81000", "81", 1), ("Castres", "81100", "81", 1), ("Tarbes", "65000", "65", 1),
    ("Montauban", "82000", "82", 1), ("Rodez", "12000", "12", 1), ("Cahors", "46000", "46", 1),
    ("Auch", "32000", "32", 1), ("Foix", "09000", "09", 1), ("Mende", "48000", "48", 1),
    # Auvergne-Rhône-Alpes
    ("Lyon", "69001", "69", 2), ("Lyon", "69003", "69", 4), ("Lyon", "69007", "69", 3),
    ("Lyon", "69009", "69", 2), ("Villeurbanne", "69100", "69", 2), ("Saint-Étienne", "42000", "42", 2),
    ("Roanne", "42300", "42", 1), ("Grenoble", "38000", "38", 3), ("Vienne", "38200", "38", 1),
    ("Clermont-Ferrand", "63000", "63", 2), ("Annecy", "74000", "74", 2), ("Annemasse", "74100", "74", 1),
    ("Chambéry", "73000", "73", 1), ("Valence", "26000", "26", 1), ("Bourg-en-Bresse", "01000", "01", 1),
    ("Oyonnax", "01100", "01", 1), ("Moulins", "03000", "03", 1), ("Montluçon", "03100", "03", 1),
    ("Vichy", "03200", "03", 1), ("Aurillac", "15000", "15", 1), ("Le Puy-en-Velay", "43000", "43", 1),
    ("Privas", "07000", "07", 1), ("Annonay", "07100", "07", 1),
    # Provence-Alpes-Côte d'Azur
    ("Marseille", "13001", "13", 2), ("Marseille", "13008", "13", 3), ("Marseille", "13013", "13", 2),
    ("Aix-en-Provence", "13100", "13", 2), ("Arles", "13200", "13", 1), ("Nice", "06000", "06", 3),
    ("Cannes", "06400", "06", 1), ("Antibes", "06600", "06", 1), ("Toulon", "83000", "83", 2),
    ("Hyères", "83400", "83", 1), ("Fréjus", "83600", "83", 1), ("Avignon", "84000", "84", 2),
    ("Carpentras", "84200", "84", 1), ("Gap", "05000", "05", 1), ("Briançon", "05100", "05", 1),
    ("Digne-les-Bains", "04000", "04", 1), ("Manosque", "04100", "04", 1),
    # Corse
    ("Ajaccio", "20000", "2A", 1), ("Porto-Vecchio", "20137", "2A", 1), ("Propriano", "20110", "2A", 1),
    ("Sartène", "20100", "2A", 1), ("Bastia", "20200", "2B", 1), ("Corte", "20250", "2B", 1),
    ("Calvi", "20260", "2B", 1),
    # DROM
    ("Pointe-à-Pitre", "97110", "971", 1), ("Les Abymes", "97139", "971", 1), ("Baie-Mahault", "97122", "971", 1),
    ("Fort-de-France", "97200", "972", 1), ("Le Lamentin", "97232", "972", 1), ("Cayenne", "97300", "973", 1),
    ("Kourou", "97310", "973", 1), ("Saint-Denis", "97400", "974", 1), ("Saint-Pierre", "97410", "974", 1),
    ("Le Port", "97420", "974", 1), ("Mamoudzou", "97600", "976", 1),
)

# fixed-line prefix by département: 01 Île-de-France, 02 north-west, 03 north-east,
# 04 south-east, 05 south-west; DROM have their own four-digit prefixes
DROM_PHONE = {"971": ("0590", "0690"), "972": ("0596", "0696"), "973": ("0594", "0694"),
              "974": ("0262", "0692"), "976": ("0269", "0639")}
PHONE_ZONE = {}
for _z, _deps in {
    "01": "75 77 78 91 92 93 94 95",
    "02": "14 18 22 27 28 29 35 36 37 41 44 45 49 50 53 56 61 72 76 85",
    "03": "02 08 10 21 25 39 51 52 54 55 57 58 59 60 62 67 68 70 71 80 88 89 90",
    "04": "01 03 04 05 06 07 11 13 15 26 2A 2B 30 34 38 42 43 48 63 66 69 73 74 83 84",
    "05": "09 12 16 17 19 23 24 31 32 33 40 46 47 64 65 79 81 82 86 87",
}.items():
    for _d in _deps.split():
        PHONE_ZONE[_d] = _z


def phone(rng_digits: list[int], dept: str, style: int, mobile: bool) -> str:
    pairs = [f"{x:02d}" for x in rng_digits]
    if dept in DROM_PHONE:
        pre = DROM_PHONE[dept][1 if mobile else 0]
        if style == 0:
            return f"{pre} {pairs[1]} {pairs[2]} {pairs[3]}"
        if style == 1:
            return f"+33 {pre[1]} {pre[2:]} {pairs[1]} {pairs[2]} {pairs[3]}"
        return f"{pre[:2]} {pre[2:]} {pairs[1]} {pairs[2]} {pairs[3]}"
    pre = ("06", "07")[rng_digits[0] % 2] if mobile else PHONE_ZONE.get(dept, "01")
    if style == 1 and mobile:
        return f"+33 {pre[1]} {pairs[0]} {pairs[1]} {pairs[2]} {pairs[3]}"
    if style == 3:
        return f"{pre}.{pairs[0]}.{pairs[1]}.{pairs[2]}.{pairs[3]}"
    if style == 4:
        return f"{pre}{pairs[0]}{pairs[1]}{pairs[2]}{pairs[3]}"
    return f"{pre} {pairs[0]} {pairs[1]} {pairs[2]} {pairs[3]}"


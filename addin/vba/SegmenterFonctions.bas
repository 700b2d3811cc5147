Attribute VB_Name = "SegmenterFonctions"
' Généré par « segmenter complement construit » depuis les docstrings de segmenter_pme.excel.udfs :
' ne pas modifier ici. Donne aux fonctions leur aide en français dans l'assistant Fonction.
Option Explicit

Public Sub EnregistrerFonctions()
    ' MacroOptions échoue sur les versions d'Excel sans ArgumentDescriptions (avant 2010) :
    ' l'aide est un confort, son absence ne doit pas bloquer l'ouverture du complément.
    On Error Resume Next
    Dim prefixe As String
    prefixe = "'" & ThisWorkbook.Name & "'!"
    Application.MacroOptions Macro:=prefixe & "PMG", _
        Description:="Petits, Moyens ou Gros : Gros = 20 % des clients au plus fort CA, Moyens = les 30 % suivants, Petits = le reste.", _
        Category:="Segmentation", _
        ArgumentDescriptions:=Array( _
            "CA total net du client, en euros.", _
            "CA totaux des clients ayant commandé : plage de toute la base (une colonne).")
    Application.MacroOptions Macro:=prefixe & "REGION", _
        Description:="Région française (18 régions officielles) d'un code postal, ou Hors France.", _
        Category:="Segmentation", _
        ArgumentDescriptions:=Array( _
            "Code postal français (5 chiffres ; 1000 est lu 01000).")
    Application.MacroOptions Macro:=prefixe & "RFM_F", _
        Description:="Score de fréquence F (1 à 5, 5 = le plus de commandes) d'un client par rapport à toute la base.", _
        Category:="Segmentation", _
        ArgumentDescriptions:=Array( _
            "Nombre de commandes du client.", _
            "Nombres de commandes : plage de toute la base (une colonne) (les 0 sont des prospects, ignorés).")
    Application.MacroOptions Macro:=prefixe & "RFM_M", _
        Description:="Score de montant M (1 à 5, 5 = le plus gros CA) d'un client par rapport à toute la base.", _
        Category:="Segmentation", _
        ArgumentDescriptions:=Array( _
            "CA total net du client, en euros.", _
            "CA totaux : plage de toute la base (une colonne).", _
            "Facultatif : nombres de commandes, mêmes lignes, pour ignorer les prospects.")
    Application.MacroOptions Macro:=prefixe & "RFM_R", _
        Description:="Score de récence R (1 à 5, 5 = achat le plus récent) d'un client par rapport à toute la base.", _
        Category:="Segmentation", _
        ArgumentDescriptions:=Array( _
            "Date du dernier achat du client.", _
            "Dates du dernier achat : plage de toute la base (une colonne).", _
            "Facultatif : date d'analyse (par défaut aujourd'hui).")
    Application.MacroOptions Macro:=prefixe & "RFM_SCORE", _
        Description:="Code RFM à trois chiffres (R, F, M de 1 à 5, 5 = meilleur) d'un client, par quintiles de toute la base ; vide pour un prospect.", _
        Category:="Segmentation", _
        ArgumentDescriptions:=Array( _
            "Date du dernier achat du client.", _
            "Nombre de commandes du client (0 = prospect).", _
            "CA total net du client, en euros.", _
            "Dates du dernier achat : plage de toute la base (une colonne).", _
            "Nombres de commandes : plage de toute la base (une colonne), mêmes lignes.", _
            "CA totaux : plage de toute la base (une colonne), mêmes lignes.", _
            "Facultatif : date d'analyse (par défaut aujourd'hui).")
    Application.MacroOptions Macro:=prefixe & "RFM_SEGMENT", _
        Description:="Nom du segment RFM d'un code (Champions, Fidèles, À risque…), selon les 8 règles par défaut.", _
        Category:="Segmentation", _
        ArgumentDescriptions:=Array( _
            "Code RFM à trois chiffres, par exemple 545 (vide = prospect).")
    Application.MacroOptions Macro:=prefixe & "SECTEUR_NAF", _
        Description:="Grand secteur d'activité (Industrie, Commerce, Construction…) d'un code APE / NAF rév. 2.", _
        Category:="Segmentation", _
        ArgumentDescriptions:=Array( _
            "Code APE / NAF, par exemple 47.11F ou 4711F.")
    Application.MacroOptions Macro:=prefixe & "SIRET_VALIDE", _
        Description:="VRAI si le numéro SIRET ou SIREN est valide (clé de Luhn, exception de La Poste), FAUX sinon.", _
        Category:="Segmentation", _
        ArgumentDescriptions:=Array( _
            "Numéro SIRET (14 chiffres) ou SIREN (9 chiffres).")
    Application.MacroOptions Macro:=prefixe & "TAILLE_ENTREPRISE", _
        Description:="Taille de l'entreprise : TPE (< 10 salariés), PME (10 à 249), ETI (250 à 4 999) ou GE (5 000 et plus).", _
        Category:="Segmentation", _
        ArgumentDescriptions:=Array( _
            "Effectif salarié (ex. 12) ou code de tranche SIRENE (ex. 11).")
End Sub

' Code du document ThisWorkbook du complément (les attributs VB_* sont ajoutés à la construction).
Option Explicit

Private Sub Workbook_Open()
    ' Les descriptions des fonctions (aide de l'assistant Fonction) ne sont pas
    ' stockées dans le fichier : Excel les oublie à chaque fermeture.
    EnregistrerFonctions
End Sub

Attribute VB_Name = "ThisWorkbook"
Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"
Attribute VB_GlobalNameSpace = False
Attribute VB_Creatable = False
Attribute VB_PredeclaredId = True
Attribute VB_Exposed = True
Attribute VB_TemplateDerived = False
Attribute VB_Customizable = True
' Code du document ThisWorkbook du complément (les attributs VB_* sont ajoutés à la construction).
Option Explicit

Private Sub Workbook_Open()
    ' Les descriptions des fonctions (aide de l'assistant Fonction) ne sont pas
    ' stockées dans le fichier : Excel les oublie à chaque fermeture.
    EnregistrerFonctions
End Sub

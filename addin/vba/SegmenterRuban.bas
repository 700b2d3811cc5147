Attribute VB_Name = "SegmenterRuban"
' Onglet « Segmentation » : un bouton = une fonction Python de
' segmenter_pme.excel.macros, lancée par RunPython sur le classeur actif.
' Tout le travail et tous les messages d'erreur sont côté Python ; ce module
' ne fait que vérifier qu'un classeur est ouvert et construire la commande.
Option Explicit

Private Const TITRE As String = "Segmentation"

Public Sub Ruban_Segmenter(control As IRibbonControl)
    Lancer "segmenter"
End Sub

Public Sub Ruban_Auditer(control As IRibbonControl)
    Lancer "auditer"
End Sub

Public Sub Ruban_Synthese(control As IRibbonControl)
    Lancer "synthese"
End Sub

Public Sub Ruban_Listes(control As IRibbonControl)
    Lancer "listes"
End Sub

Public Sub Ruban_Fiches(control As IRibbonControl)
    Lancer "fiches"
End Sub

Public Sub Ruban_Parametres(control As IRibbonControl)
    Lancer "parametres"
End Sub

Public Sub Ruban_Aide(control As IRibbonControl)
    Lancer "aide"
End Sub

' Commande Python d'un bouton ; séparée de Lancer pour être vérifiable sans Python.
Public Function CommandePython(ByVal fonction As String) As String
    CommandePython = "import segmenter_pme.excel.macros as m; m." & fonction & "()"
End Function

Private Sub Lancer(ByVal fonction As String)
    ' Sans classeur actif, RunPython échouerait avec un message anglais peu clair.
    If ActiveWorkbook Is Nothing Then
        MsgBox "Ouvrez d'abord le classeur qui contient vos clients.", vbExclamation, TITRE
        Exit Sub
    End If
    RunPython CommandePython(fonction)
End Sub

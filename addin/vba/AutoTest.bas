Attribute VB_Name = "AutoTest"
' Autotest de la variante de construction sans xlwings.bas ni Dictionary.cls
' (LibreOffice ne compile pas leur compilation conditionnelle #If), exécuté par
' LibreOffice sans interface : prouve que les modules sont lus, compilés et
' exécutables — module standard, module de classe, appel entre modules, accents.
Option Explicit

Public Function ResultatAutoTest() As String
    Dim compteur As New AutoTestCompteur
    Dim resultat As String
    compteur.Ajouter 5
    compteur.Ajouter 4
    compteur.Ajouter 5
    resultat = "Classe=" & compteur.Compte & ":" & compteur.Somme
    resultat = resultat & "|Commande=" & CommandePython("segmenter")
    resultat = resultat & "|Accents=" & "Synthèse, Paramètres, Qualité, Plan d'actions"
    ResultatAutoTest = resultat
End Function

Public Sub AutoTest()
    ThisWorkbook.Worksheets(1).Range("D1").Value = ResultatAutoTest()
End Sub

"""The real pairing list (`sim pairs`): a program design's first intake on an HR export.

It forms pairs with the model's own program code and keyed draws, on the export's own values,
and writes them by employee id. Nothing here simulates a week.
"""

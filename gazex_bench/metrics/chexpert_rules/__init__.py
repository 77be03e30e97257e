"""Phrase and pattern data of the gazex-rules CheXpert-labeler approximation.

:mod:`.phrases` holds the mention / unmention regular expressions per observation
(modelled on ``stanfordmlgroup/chexpert-labeler`` ``phrases/mention`` and
``phrases/unmention``); :mod:`.patterns` holds the negation and uncertainty triggers
(a regex / token-window rendering of the labeler's NegBio dependency patterns).
"""

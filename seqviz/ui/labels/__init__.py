"""Label tables of the larger pages, one module per page, merged into ``seqviz.ui.i18n.TRANSLATIONS``.

They live apart so that one page's several dozen labels don't bury the shared ones; the keys, the rule
(both languages, the same placeholders) and the test are the same.
"""

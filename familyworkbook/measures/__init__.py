"""Standardised measures: questionnaires recorded once and scored exactly as their authors specify.

The scorer (``familyworkbook.measures.scoring``) is pure Python with no Django imports, so it can
be used and tested without a database.
"""

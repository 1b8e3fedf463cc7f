"""PFIF 1.4 (Person Finder Interchange Format): export, import, the public feed."""

"""clembench's Taboo, as facts this project reimplements: its instances files, its checks, its stemmer,
its scores, and its records (the importer)."""

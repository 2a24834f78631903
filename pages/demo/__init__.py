"""Demo data: the seed week 2024-W33 of the payments team plus generated history (load_demo)."""

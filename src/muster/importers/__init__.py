"""Outside formats -> domain records. Importers never write to the database themselves."""

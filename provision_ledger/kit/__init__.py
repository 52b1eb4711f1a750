"""Small Django helpers that know no app: bulk inserts, URL values, GOV.UK forms, PDFs, spreadsheets."""

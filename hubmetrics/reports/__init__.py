"""Documents that leave the hub: the Arts Council return workbook and the trustees' board pack."""

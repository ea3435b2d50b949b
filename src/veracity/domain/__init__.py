"""Plain typed models of the integrity domain. No I/O lives here."""

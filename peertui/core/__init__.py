"""Pure domain logic: no Textual, no SQL. Everything here is testable with plain values."""

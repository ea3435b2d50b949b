"""Deceptive behaviour by accounts: the account integrity model (``account_*`` modules) and the
comment and message spam classifier with its behavioural signals (``spam_*``, ``repetition``,
``recent``).

Nothing is imported here, so ``cli`` stays cheap to import: scikit-learn loads only when a
command or a detector needs it."""

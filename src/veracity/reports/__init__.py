"""User notices and trusted flaggers (DSA Art. 16 and 22): receiving notices, the trusted-flagger
registry, notice cases and telling notifiers the outcome (``notify.notify_outcome``)."""

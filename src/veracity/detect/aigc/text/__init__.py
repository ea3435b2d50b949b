"""AI-text detection without a language model: hashed character n-grams and stylometry in a
linear model with isotonic calibration (``model``), its online detector (``detector``), the
dataset converters (``convert``), metrics and the measured experiments (``training``).

Nothing is imported here, so ``cli`` stays cheap to import: scikit-learn loads only when a
command or the detector needs it."""
